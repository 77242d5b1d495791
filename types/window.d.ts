// What Safe Exam Browser and older WebKit add to `window`, for `tsc --checkJs` only (the pages
// load no TypeScript).
export {};

declare global {
  interface Window {
    /** Safe Exam Browser's JavaScript API (absent outside SEB): see softphone_web/js/seb.js. */
    SafeExamBrowser?: { security?: { configKey?: string; browserExamKey?: string; updateKeys?: (done: () => void) => void } };
    webkitAudioContext?: typeof AudioContext;
    /** The candidate's page state, for the browser tests (candidate.js). */
    plateau?: any;
  }
}
