// Sanitising insertion of the dossier's HTML (server-rendered Markdown, raw HTML already
// escaped): parsed in an inert document, then rebuilt node by node from an allow-list of tags;
// every attribute is dropped except a table cell's alignment; text goes in as text nodes.
const ALLOWED = new Set([
  "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody", "tr",
  "th", "td", "strong", "em", "b", "i", "code", "pre", "blockquote", "hr", "br", "del", "s",
  "a", "span",
]);
const DROP_WITH_CONTENT = new Set(["script", "style", "template", "iframe", "object", "embed", "noscript"]);

/**
 * @param {Node} node
 * @param {Element | DocumentFragment} into
 */
function copy(node, into) {
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      into.append(document.createTextNode(/** @type {Text} */ (child).data));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const element = /** @type {Element} */ (child);
    const tag = element.localName;
    if (DROP_WITH_CONTENT.has(tag)) continue;
    if (!ALLOWED.has(tag)) {
      copy(element, into); // unknown wrapper: keep its text
      continue;
    }
    // A link stays readable but leads nowhere during the exam (no external navigation).
    const out = document.createElement(tag === "a" ? "span" : tag);
    if (tag === "a") out.className = "doc-link";
    if (tag === "th" || tag === "td") {
      const align = (element.getAttribute("style") || "").match(/text-align:\s*(left|right|center)/);
      if (align) out.className = `align-${align[1]}`;
    }
    copy(element, out);
    into.append(out);
  }
}

/** @param {string | null | undefined} html */
export function sanitizedFragment(html) {
  const doc = new DOMParser().parseFromString(`<body>${html || ""}</body>`, "text/html");
  const frag = document.createDocumentFragment();
  copy(doc.body, frag);
  return frag;
}
