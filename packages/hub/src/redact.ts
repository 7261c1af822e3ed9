/**
 * Secrets and control characters kept out of messages: every error of @lxmls/hub passes its text through
 * {@link redactText}, so a `user:pass@` URL, a token in a query string or an escape sequence sent by a server
 * never reaches a terminal or a log as it was (issue 17: "credentials redacted from every message").
 */

/** C0 and C1 control characters other than tab and newline. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (they are escaped).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Query parameters whose values are secrets (signed CDN URLs, access tokens). Compared case-insensitively. */
const SECRET_PARAMS =
  /^(token|access_token|api_key|apikey|key|password|secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|policy|key-pair-id)$/i;

/**
 * A URL with its secrets replaced by `***`: the `user:pass@` part and the values of query parameters such as
 * `token`, `access_token`, `signature`, `X-Amz-Signature`. Text that is not a URL is returned as it is.
 *
 * @param url - A URL (absolute or not).
 * @returns The URL, safe to print.
 * @example
 * ```ts
 * import { redactUrl } from '@lxmls/hub';
 * console.log(redactUrl('https://ana:s3cret@example.com/m/config.json?token=abc&rev=1'));
 * // → https://***@example.com/m/config.json?token=***&rev=1
 * ```
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, '$1***@')
    .replace(/([?&])([^=&#\s]+)=([^&#\s]*)/g, (whole, sep: string, name: string) =>
      SECRET_PARAMS.test(decodeName(name)) ? `${sep}${name}=***` : whole,
    );
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * Text made safe to print: every URL in it redacted ({@link redactUrl}), `Bearer` / `Basic` credentials
 * replaced by `***`, and control characters (other than tab and newline) written as `\xNN`, so bytes from a
 * server or a file cannot move the cursor or recolour a terminal.
 *
 * @param text - Any text.
 * @returns The text, safe to print.
 * @example
 * ```ts
 * import { redactText } from '@lxmls/hub';
 * console.log(redactText('GET http://u:p@h/x failed: \u001b[31mred\u001b[0m (Authorization: Bearer hf_abc)'));
 * // → GET http://***@h/x failed: \x1b[31mred\x1b[0m (Authorization: Bearer ***)
 * ```
 */
export function redactText(text: string): string {
  return text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, (url) => redactUrl(url))
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***')
    .replace(/\bhf_[A-Za-z0-9]{6,}/g, 'hf_***')
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
