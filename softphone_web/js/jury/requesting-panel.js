// RequestingPanel: a JuryPanel that asks its page controller for what it reads and writes
// (panel-requests.js): this.ask(type, detail) in the panel; panel.answer(id, value) and
// panel.refuse(id, error) from the controller (juror-grid-feeds.js).
import { JuryPanel } from "./jury-panel.js";
import { PanelRequests } from "./panel-requests.js";

export class RequestingPanel extends JuryPanel {
  /** @type {PanelRequests} */
  _requests = new PanelRequests(this);

  /**
   * @param {string} type
   * @param {{ candidateId: string, [field: string]: any }} detail
   * @returns {Promise<any>}
   */
  ask(type, detail) {
    return this._requests.ask(type, detail);
  }

  /**
   * @param {number} id
   * @param {any} value
   */
  answer(id, value) {
    this._requests.answer(id, value);
  }

  /**
   * @param {number} id
   * @param {unknown} error
   */
  refuse(id, error) {
    this._requests.refuse(id, error);
  }
}
