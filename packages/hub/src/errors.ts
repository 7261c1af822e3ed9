/**
 * Errors of @lxmls/hub: one class, {@link LxmlsHubError}, with a stable `code`, made by @lxmls/base's
 * `defineError`, in the project's message format
 * `[@lxmls/hub] fn: what failed. Expected X, received Y.` Every message is redacted ({@link redactText}): no
 * credentials and no control characters, whatever the URL or the server sent.
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';
import { redactText } from './redact.js';

/**
 * Stable error codes of @lxmls/hub.
 *
 * - `INVALID_ARGUMENT`: an argument of the wrong type or out of range.
 * - `NOT_FOUND`: a file that does not exist (HTTP 404, a missing file in a folder, offline and not cached).
 * - `DOWNLOAD_FAILED`: a download that failed (a network error, an HTTP status, a body cut short).
 * - `TOO_LARGE`: a file over the size limit (announced or while streaming), or too large for the runtime.
 * - `TIMEOUT`: no response within the connect timeout, or no byte within the idle timeout.
 * - `REDIRECT_REFUSED`: a redirect the policy does not follow (another host, a private address, https → http).
 * - `INVALID_FILE`: a file that is not what its name says (HTML as `config.json`, a safetensors header that
 *   does not match the file), downloaded or found in the cache.
 * - `FOLDER_EXISTS`: a model folder that would be overwritten without `overwrite: true`.
 * - `INVALID_PATH`: an output path that cannot be written (inside a file, on a special file system, read-only).
 * - `WRITE_FAILED`: a file or folder whose writing the system refused (a full disk, no permission, a
 *   read-only file system), the system's code named (`ENOSPC`, `EACCES`, `EROFS`, ...).
 * - `NOT_SUPPORTED`: a Node-only function called in a browser.
 */
export type HubErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'DOWNLOAD_FAILED'
  | 'TOO_LARGE'
  | 'TIMEOUT'
  | 'REDIRECT_REFUSED'
  | 'INVALID_FILE'
  | 'FOLDER_EXISTS'
  | 'INVALID_PATH'
  | 'WRITE_FAILED'
  | 'NOT_SUPPORTED';

/** Fields of a {@link LxmlsHubError} besides its message (`received` is cut to 300 characters). */
export interface HubErrorDetails extends ErrorDetails {
  /** The URL involved (kept redacted). */
  url?: string;
  /** The file path involved (a cached file, a folder). */
  path?: string;
}

/**
 * The error thrown by @lxmls/hub. Check it with `LxmlsHubError.isInstance(e)` (works across duplicated
 * installs) and branch on `e.code`; `what`, `expected`, `received` and `hint` are the parts of the message, so a
 * package that wraps it (as @lxmls/gpt does) can keep them.
 *
 * @example
 * ```ts
 * import { fetchFile, LxmlsHubError } from '@lxmls/hub';
 * try {
 *   await fetchFile('https://ana:s3cret@example.com/config.json', { localOnly: true, cache: false });
 * } catch (e) {
 *   console.log(LxmlsHubError.isInstance(e) && e.code, (e as Error).message.includes('s3cret')); // → NOT_FOUND false
 * }
 * ```
 */
export class LxmlsHubError extends defineError<HubErrorCode, HubErrorDetails>('@lxmls/hub', 'LxmlsHubError', {
  maxReceived: 300,
  redact: redactText,
}) {
  /** The URL involved, redacted, if any. */
  readonly url: string | undefined;
  /** The file path involved, if any. */
  readonly path: string | undefined;

  /**
   * Builds the message `[@lxmls/hub] fn: what. Expected X, received Y. Hint`, redacted.
   *
   * @param code - The stable error code.
   * @param what - What failed, without the final period.
   * @param details - The function, argument, expectation, received value, hint, URL, path and cause.
   */
  constructor(code: HubErrorCode, what: string, details: HubErrorDetails) {
    super(code, what, details);
    this.url = details.url === undefined ? undefined : redactText(details.url);
    this.path = details.path;
  }
}

/** @internal The validation helpers of @lxmls/hub: they throw {@link LxmlsHubError}. */
export const check: Checks<HubErrorCode> = checks(LxmlsHubError, 'INVALID_ARGUMENT');
