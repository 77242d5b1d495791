// What the candidate's page shows for a timeline state (pure), and small HTTP stores.
import { api } from "./api.js";

// Said when the screen changes to a view: what begins and what the screen now shows.
export const VIEW_ANNOUNCEMENTS = {
  waiting: "En attente du début de l'épreuve.",
  prep: "La préparation commence : le dossier de l'entreprise est affiché.",
  calls: "La phase d'appels commence : le téléphone, le CRM et la messagerie sont affichés.",
  writing: "La rédaction commence : les sujets et l'éditeur sont affichés.",
  done: "La partie pratique est terminée.",
};

export const VIEW_TITLES = {
  loading: "Épreuve",
  waiting: "En attente du début",
  prep: "Préparation",
  calls: "Appels",
  writing: "Rédaction",
  done: "Partie pratique terminée",
};

// TimelineState → "waiting" | "prep" | "calls" | "writing" | "done".
/**
 * @param {{ status?: string, phase?: string | null } | null | undefined} state
 * @returns {"waiting" | "prep" | "calls" | "writing" | "done"}
 */
export function viewFor(state) {
  if (!state || state.status === "not_started") return "waiting";
  if (state.status === "finished") return "done";
  switch (state.phase) {
    case "preparation":
      return "prep";
    case "appels":
      return "calls";
    case "redaction":
      return "writing";
    default:
      return "done"; // the interviews: nothing to do on this page
  }
}

// The notepad on the server (server/writing): GET and PUT the candidate's one text.
/** @param {string} cid */
export function notesStore(cid) {
  const path = `/api/candidates/${encodeURIComponent(cid)}/notepad`;
  return {
    load: async () => {
      const data = await api("GET", path);
      return { text: data.text || "", saved_at: data.saved_at };
    },
    save: (/** @type {string} */ text) => api("PUT", path, { text }),
  };
}
