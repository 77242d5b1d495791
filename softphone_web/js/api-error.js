// A request the server refused (its HTTP status and French `detail`), on its own so the modules
// that only tell a refusal from a network failure (review-common.js) need no api.js; api.js
// throws it and re-exports it.
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {Record<string, any>} [data]
   */
  constructor(status, message, data = {}) {
    super(message);
    this.status = status;
    this.data = data; // the whole answer (e.g. a refusal's `code`, what blocks a signature)
  }
}
