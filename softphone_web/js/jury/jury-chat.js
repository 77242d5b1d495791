// The instant-messaging simulation on the jury's page: a <chat-window> fed with one candidate's
// conversation (the snapshot's chat.by_candidate, then `chat.message` / `chat.typing` events).
// The client juror writes as the customer (chat-window self="client"); the observer's windows
// are `readonly` transcripts. A message refused or lost on a cut stays in the composer, and its
// resend carries the same client_msg_id: the server keeps one message.
//
//   const unbind = bindChat(chatWindow, ctx);   // ctx: the jury page's { candidateId, socket, snapshot }
import { listen } from "./observer-common.js";

/**
 * @param {any} chat the <chat-window>
 * @param {import("./observer-common.js").JuryContext} ctx
 */
export function bindChat(chat, ctx) {
  const abort = new AbortController();
  const on = listen(ctx, abort.signal);
  const mine = (/** @type {{ candidate_id: string }} */ msg) => msg.candidate_id === ctx.candidateId;
  const load = (/** @type {any} */ state) => {
    const conv = (((state || {}).chat || {}).by_candidate || {})[ctx.candidateId];
    if (!conv) return;
    chat.messages = conv.messages || [];
    chat.unread = conv.unread || 0;
  };
  on("snapshot", (msg) => load(msg.state));
  on("chat.message", (msg) => mine(msg) && chat.add(msg.message));
  on("chat.typing", (msg) => {
    if (mine(msg) && msg.author !== chat.self) chat.peerTyping = true;
  });
  chat.messages = [];
  load(ctx.snapshot());
  if (chat.readonly) return () => abort.abort();

  /** @type {{ text: string, id: string } | null} */
  let pending = null; // the message being sent, its id kept for a resend
  const signal = abort.signal;
  chat.addEventListener(
    "chat-send",
    async (/** @type {Event} */ ev) => {
      const text = /** @type {CustomEvent<{ text: string }>} */ (ev).detail.text;
      if (!pending || pending.text !== text) pending = { text, id: crypto.randomUUID() };
      const id = pending.id;
      chat.error = "";
      try {
        const out = await ctx.socket.request({
          type: "chat.send",
          text,
          client_msg_id: id,
          candidate_id: ctx.candidateId,
        });
        pending = null;
        chat.add(out.message);
        chat.clearInput();
      } catch (err) {
        chat.error = `${/** @type {Error} */ (err).message} Votre message est gardé : renvoyez-le.`;
      }
    },
    { signal },
  );
  chat.addEventListener("chat-typing", () => ctx.socket.send({ type: "chat.typing", candidate_id: ctx.candidateId }), { signal });
  chat.addEventListener(
    "chat-read",
    (/** @type {Event} */ ev) => ctx.socket.send({ type: "chat.read"
, last_id: /** @type {CustomEvent<{ last_id: string }>} */ (ev).detail.last_id, candidate_id: ctx.candidateId }),
    { signal },
  );
  return () => abort.abort();
}
