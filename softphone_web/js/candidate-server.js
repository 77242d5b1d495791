// Every server call of the candidate's page except the timeline: the CRM (HTTP), the calls and
// the chat (WebSocket commands with an acknowledgement), the drafts and the notepad (HTTP).
// One place to read what the page asks of the server.
import { api, idempotent } from "./api.js";

const enc = encodeURIComponent;

export function crmApi(cid) {
  const base = `/api/candidates/${enc(cid)}/crm`;
  const rec = (id) => `${base}/records/${enc(id)}`;
  // Creations carry a client_id made once: a resend after a cut is recorded once.
  const create = (path, body) => {
    const keyed = { ...body, client_id: body.client_id || crypto.randomUUID() };
    return idempotent(() => api("POST", path, keyed));
  };
  return {
    records: () => api("GET", `${base}/records`),
    record: (id) => api("GET", rec(id)),
    update: (id, changes) => api("PATCH", rec(id), changes),
    note: (id, body) => create(`${rec(id)}/notes`, body),
    appointment: (id, body) => create(`${rec(id)}/appointments`, body),
    order: (id, body) => create(`${rec(id)}/orders`, body),
    agreement: (id, body) => create(`${rec(id)}/agreements`, body),
    agenda: () => api("GET", `${base}/agenda`),
    survey: (simulationId) => api("GET", `${base}/surveys/${enc(simulationId)}`),
    answer: (simulationId, questionId, value) =>
      api("PUT", `${base}/surveys/${enc(simulationId)}/answers/${enc(questionId)}`, { value }),
  };
}

export function callCommands(socket) {
  const send = (type, body = {}) => socket.request({ type, ...body });
  return {
    dial: (number) => send("call.dial", { number }),
    answer: (callId) => send("call.answer", { call_id: callId }),
    reject: (callId) => send("call.reject", { call_id: callId }),
    hangup: (callId) => send("call.hangup", { call_id: callId }),
    hold: (callId) => send("call.hold", { call_id: callId }),
    resume: (callId) => send("call.resume", { call_id: callId }),
    wrapUp: (callId, disposition, note) => send("call.wrap_up", { call_id: callId, disposition, note }),
  };
}

export function chatCommands(socket) {
  return {
    // The same client_msg_id on a resend: the server keeps one message.
    send: (text, clientMsgId) => socket.request({ type: "chat.send", text, client_msg_id: clientMsgId }),
    typing: () => socket.send({ type: "chat.typing" }),
    read: (lastId) => socket.send({ type: "chat.read", last_id: lastId }),
  };
}

export function writingApi(cid) {
  const base = `/api/candidates/${enc(cid)}/writing`;
  return {
    drafts: () => api("GET", `${base}/drafts`),
    save: (taskId, content, baseVersion) =>
      api("PUT", `${base}/drafts/${enc(taskId)}`, { content, base_version: baseVersion }),
  };
}
