// Why a phase ends early or an exam is closed: the lists the server accepts
// (server/exams/closure.py; tests/exams/test_session_controls.py checks they match, and tsc
// that each value is one of the server's StopReason).
/** @typedef {import("../types/http.js").StopReason} StopReason */
/** @type {Array<{ value: StopReason, label: string }>} */
export const CLOSE_REASONS = [
  { value: "abandon", label: "Abandon du candidat" },
  { value: "exclusion_fraude", label: "Exclusion pour fraude" },
  { value: "panne_technique", label: "Panne technique" },
  { value: "demande_jury", label: "Demande du jury" },
];
/** @type {Array<{ value: StopReason, label: string }>} */
export const END_PHASE_REASONS = [
  { value: "travail_termine", label: "Travail terminé avant l'heure" },
  { value: "panne_technique", label: "Panne technique" },
  { value: "demande_jury", label: "Demande du jury" },
];
// What a closure does to the result (shown before confirming).
export const CLOSE_EFFECTS = {
  abandon: "Pas de décision du jury pour cette session.",
  exclusion_fraude: "Pas de décision du jury ; les faits sont consignés au procès-verbal.",
  panne_technique: "Pas de décision ; le candidat pourra repasser l'épreuve lors d'une nouvelle session.",
  demande_jury: "Le jury délibère sur ce qui a été évalué.",
};
// The phases the proctor supervises (they may end them early or close the exam during them).
/** @type {import("../types/http.js").PhaseKind[]} */
export const PROCTOR_PHASES = ["preparation", "redaction"];
