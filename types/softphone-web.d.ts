// Types the browser pages cannot say in JSDoc alone, for `tsc --checkJs` only (the pages load no
// TypeScript): the custom elements by tag name (so document.createElement("level-meter") is a
// LevelMeter). What Safe Exam Browser and older WebKit add to `window` is in window.d.ts (the
// strict program, tsconfig.json, takes that one only: this one imports every element).
// "documents-panel" is left out: two different elements bear that name, one on the organiser's
// page (organiser-documents.js), one on the jury's (jury/documents-panel.js).
export {};

declare global {
  interface HTMLElementTagNameMap {
    "action-dialog": import("../softphone_web/js/components/action-dialog.js").ActionDialog;
    "alert-feed": import("../softphone_web/js/components/alert-feed.js").AlertFeed;
    "candidate-board": import("../softphone_web/js/components/candidate-board.js").CandidateBoard;
    "link-status": import("../softphone_web/js/components/link-status.js").LinkStatus;
    "phase-clock": import("../softphone_web/js/components/phase-clock.js").PhaseClock;
    "proctor-extension": import("../softphone_web/js/components/proctor-extension.js").ProctorExtension;
    "tab-panels": import("../softphone_web/js/components/tab-panels.js").TabPanels;
    "agenda-view": import("../softphone_web/js/cti/agenda-view.js").AgendaView;
    "call-list": import("../softphone_web/js/cti/call-list.js").CallList;
    "chat-window": import("../softphone_web/js/cti/chat-window.js").ChatWindow;
    "crm-record": import("../softphone_web/js/cti/crm-record.js").CrmRecord;
    "crm-search": import("../softphone_web/js/cti/crm-search.js").CrmSearch;
    "dossier-viewer": import("../softphone_web/js/cti/dossier-viewer.js").DossierViewer;
    "headset-check": import("../softphone_web/js/cti/headset-check.js").HeadsetCheck;
    "level-meter": import("../softphone_web/js/cti/level-meter.js").LevelMeter;
    "note-pad": import("../softphone_web/js/cti/note-pad.js").NotePad;
    "order-form": import("../softphone_web/js/cti/order-form.js").OrderForm;
    "payment-form": import("../softphone_web/js/cti/payment-form.js").PaymentForm;
    "soft-phone": import("../softphone_web/js/cti/soft-phone.js").SoftPhone;
    "survey-form": import("../softphone_web/js/cti/survey-form.js").SurveyForm;
    "wrap-up-form": import("../softphone_web/js/cti/wrap-up-form.js").WrapUpForm;
    "writing-editor": import("../softphone_web/js/cti/writing-editor.js").WritingEditor;
    "crm-feed": import("../softphone_web/js/jury/crm-feed.js").CrmFeed;
    "deliberation-panel": import("../softphone_web/js/jury/deliberation-panel.js").DeliberationPanel;
    "evaluation-grid": import("../softphone_web/js/jury/evaluation-grid.js").EvaluationGrid;
    "interview-notes": import("../softphone_web/js/jury/interview-notes.js").InterviewNotes;
    "juror-card": import("../softphone_web/js/jury/juror-card.js").JurorCard;
    "jury-softphone": import("../softphone_web/js/jury/jury-softphone.js").JurySoftphone;
    "live-listen": import("../softphone_web/js/jury/live-listen.js").LiveListen;
    "mic-check": import("../softphone_web/js/jury/mic-check.js").MicCheck;
    "pinned-notes": import("../softphone_web/js/jury/pinned-notes.js").PinnedNotes;
    "recordings-panel": import("../softphone_web/js/jury/recordings-panel.js").RecordingsPanel;
    "run-sheet": import("../softphone_web/js/jury/run-sheet.js").RunSheet;
    "simulation-progress": import("../softphone_web/js/jury/simulation-progress.js").SimulationProgress;
    "written-replies": import("../softphone_web/js/jury/written-replies.js").WrittenReplies;
    "code-sheet": import("../softphone_web/js/organiser-codes.js").CodeSheet;
    "pack-chooser": import("../softphone_web/js/organiser-pack.js").PackChooser;
    "people-panel": import("../softphone_web/js/organiser-people.js").PeoplePanel;
    "seb-panel": import("../softphone_web/js/organiser-seb.js").SebPanel;
    "session-picker": import("../softphone_web/js/organiser-sessions.js").SessionPicker;
  }
}
