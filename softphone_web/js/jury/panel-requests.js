// A component's requests to its page controller, instead of fetching itself (no DOM: tested by
// node in tests/js). ask(type, detail) dispatches a cancelable CustomEvent `type` on the host
// element, its detail the request plus an `id`; the controller that serves it calls
// preventDefault(), does the HTTP (or WebSocket) call and hands back answer(id, value) or
// refuse(id, error) — the error as it came (an ApiError keeps its status and French message).
// The event is dispatched at once: the controller listens before the panel is bound (a panel
// unbinding still sends what was typed). A request nobody serves is refused with a French
// error; an answer for a request no longer awaited is ignored.
//
//   const requests = new PanelRequests(element);
//   const grid = await requests.ask("evaluation-wanted", { candidateId });      // the panel
//   element.addEventListener("evaluation-wanted", (ev) => {                     // the controller
//     ev.preventDefault();
//     api("GET", …).then((v) => element.answer(ev.detail.id, v), (e) => element.refuse(ev.detail.id, e));
//   });

/**
 * What a request event carries: the request's own fields and its id.
 * @typedef {{ id: number, candidateId: string, [field: string]: any }} PanelRequest
 */

export const NOT_SERVED = "La page n'a pas pu traiter cette demande (aucun contrôleur ne la sert).";

export class PanelRequests {
  /** @param {EventTarget} host where the requests are dispatched (the panel) */
  constructor(host) {
    /** @type {EventTarget} */
    this.host = host;
    /** @type {number} */
    this.asked = 0;
    /** @type {Map<number, { resolve: (value: any) => void, reject: (error: unknown) => void }>} */
    this.awaited = new Map();
  }

  /**
   * @param {string} type the event's type (e.g. "evaluation-wanted")
   * @param {{ candidateId: string, [field: string]: any }} detail
   * @returns {Promise<any>} what the controller answers
   */
  ask(type, detail) {
    const id = ++this.asked;
    return new Promise((resolve, reject) => {
      this.awaited.set(id, { resolve, reject });
      const ev = new CustomEvent(type, { detail: { ...detail, id }, cancelable: true });
      if (this.host.dispatchEvent(ev) && this.awaited.delete(id)) reject(new Error(NOT_SERVED));
    });
  }

  /**
   * The controller's answer to request `id`.
   * @param {number} id
   * @param {any} value
   */
  answer(id, value) {
    const awaited = this.awaited.get(id);
    if (!awaited) return;
    this.awaited.delete(id);
    awaited.resolve(value);
  }

  /**
   * The controller's failure for request `id` (the error as the call threw it).
   * @param {number} id
   * @param {unknown} error
   */
  refuse(id, error) {
    const awaited = this.awaited.get(id);
    if (!awaited) return;
    this.awaited.delete(id);
    awaited.reject(error);
  }
}
