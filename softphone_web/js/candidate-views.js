// What the candidate's page shows for a timeline state (pure), and small HTTP stores.
import { api } from "./api.js";

export const VIEW_TITLES = {
  loading: "Épreuve",
  waiting: "En attente du début",
  prep: "Préparation",
  calls: "Appels",
  writing: "Rédaction",
  done: "Partie pratique terminée",
};

// TimelineState → "waiting" | "prep" | "calls" | "writing" | "done".
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
export function notesStore(cid) {
  const path = `/api/candidates/${encodeURIComponent(cid)}/notepad`;
  return {
    load: async () => {
      const data = await api("GET", path);
      return { text: data.text || "", saved_at: data.saved_at };
    },
    save: (text) => api("PUT", path, { text }),
  };
}
