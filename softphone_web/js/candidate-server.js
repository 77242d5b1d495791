// Every server call of the candidate's page except the timeline: the CRM (HTTP), the calls and
// the chat (WebSocket commands with an acknowledgement), the drafts and the notepad (HTTP).
// One place to read what the page asks of the server.
import { api, idempotent } from "./api.js";

/** @typedef {import("./socket.js").PlateauSocket} PlateauSocket */
/** @typedef {import("./candidate-http.js").DraftsOut} DraftsOut */
/** @typedef {import("./candidate-http.js").DraftOut} DraftOut */
/** @typedef {import("./candidate-http.js").CrmRecord} CrmRecord */
/** @typedef {import("./candidate-http.js").CrmMutation} CrmMutation */
/** @typedef {import("./candidate-http.js").Agenda} Agenda */
/** @typedef {import("./candidate-http.js").SurveyOut} SurveyOut */
/** @typedef {Record<string, unknown> & { client_id?: string }} CreateBody */
/** @typedef {import("./types/events.js").CallOut} CallOut */
/** @typedef {import("./types/events.js").ChatMessageOut} ChatMessageOut */

const enc = encodeURIComponent;

/** @param {string} cid */
export function crmApi(cid) {
  const base = `/api/candidates/${enc(cid)}/crm`;
  /** @param {string} id */
  const rec = (id) => `${base}/records/${enc(id)}`;
  // Creations carry a client_id made once: a resend after a cut is recorded once.
  /**
   * @param {string} path
   * @param {CreateBody} body
   * @returns {Promise<CrmMutation>}
   */
  const create = (path, body) => {
    const keyed = { ...body, client_id: body.client_id || crypto.randomUUID() };
    return idempotent(() => api("POST", path, keyed));
  };
  return {
    /** @returns {Promise<CrmRecord[]>} */
    records: () => api("GET", `${base}/records`),
    /** @param {string} id @returns {Promise<CrmRecord>} */
    record: (id) => api("GET", rec(id)),
    /** @param {string} id @param {Record<string, unknown>} changes @returns {Promise<CrmMutation>} */
    update: (id, changes) => api("PATCH", rec(id), changes),
    /** @param {string} id @param {CreateBody} body */
    note: (id, body) => create(`${rec(id)}/notes`, body),
    /** @param {string} id @param {CreateBody} body */
    appointment: (id, body) => create(`${rec(id)}/appointments`, body),
    /** @param {string} id @param {CreateBody} body */
    order: (id, body) => create(`${rec(id)}/orders`, body),
    /** @param {string} id @param {CreateBody} body */
    agreement: (id, body) => create(`${rec(id)}/agreements`, body),
    /** @returns {Promise<Agenda>} */
    agenda: () => api("GET", `${base}/agenda`),
    /** @param {string} simulationId @returns {Promise<SurveyOut>} */
    survey: (simulationId) => api("GET", `${base}/surveys/${enc(simulationId)}`),
    /** @param {string} simulationId @param {string} questionId @param {unknown} value */
    answer: (simulationId, questionId, value) =>
      api("PUT", `${base}/surveys/${enc(simulationId)}/answers/${enc(questionId)}`, { value }),
  };
}

/** @param {PlateauSocket} socket */
export function callCommands(socket) {
  /**
   * @param {string} type
   * @param {Record<string, unknown>} [body]
   */
  const send = (type, body = {}) => socket.request({ type, ...body });
  return {
    /**
     * @param {string} number
     * @returns {Promise<CallOut | { unassigned: true, message: string }>} the call, or the number has none
     */
    dial: (number) => send("call.dial", { number }),
    /** @param {string} callId */
    answer: (callId) => send("call.answer", { call_id: callId }),
    /** @param {string} callId */
    reject: (callId) => send("call.reject", { call_id: callId }),
    /** @param {string} callId */
    hangup: (callId) => send("call.hangup", { call_id: callId }),
    /** @param {string} callId */
    hold: (callId) => send("call.hold", { call_id: callId }),
    /** @param {string} callId */
    resume: (callId) => send("call.resume", { call_id: callId }),
    /** @param {string} callId @param {string} disposition @param {string} note @returns {Promise<CallOut>} */
    wrapUp: (callId, disposition, note) => send("call.wrap_up", { call_id: callId, disposition, note }),
  };
}

/** @param {PlateauSocket} socket */
export function chatCommands(socket) {
  return {
    // The same client_msg_id on a resend: the server keeps one message.
    /** @param {string} text @param {string} clientMsgId @returns {Promise<{ message: ChatMessageOut }>} */
    send: (text, clientMsgId) => socket.request({ type: "chat.send", text, client_msg_id: clientMsgId }),
    typing: () => socket.send({ type: "chat.typing" }),
    /** @param {string} lastId */
    read: (lastId) => socket.send({ type: "chat.read", last_id: lastId }),
  };
}

/** @param {string} cid */
export function writingApi(cid) {
  const base = `/api/candidates/${enc(cid)}/writing`;
  return {
    /** @returns {Promise<DraftsOut>} */
    drafts: () => api("GET", `${base}/drafts`),
    /** @param {string} taskId @param {Record<string, unknown>} content @param {number} baseVersion @returns {Promise<DraftOut>} */
    save: (taskId, content, baseVersion) =>
      api("PUT", `${base}/drafts/${enc(taskId)}`, { content, base_version: baseVersion }),
  };
}
