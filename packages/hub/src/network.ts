/**
 * Which redirects a download follows (issue 17): the same origin always; another host only when the caller
 * allows it (the Hugging Face hub's file hosts are allowed for `huggingface.co`, which redirects its large
 * files there); never from https to http; never to a loopback, link-local, private or unspecified address
 * unless the download started at such an address (a local mirror) or the caller allows private networks.
 * The address rules follow what browsers call Private Network Access (loopback, private, link-local).
 */

/** The kind of network a host is on: `'public'`, or the kind of non-public address. */
export type AddressKind = 'public' | 'loopback' | 'link-local' | 'private' | 'unspecified';

/** Parses dotted IPv4 (`a.b.c.d`) into four numbers, or `null`. */
function ipv4(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

/** Expands an IPv6 literal to eight 16-bit groups, or `null` (an embedded IPv4 tail is supported). */
function ipv6(host: string): number[] | null {
  let h = host.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!h.includes(':')) return null;
  const tail = /:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (tail) {
    const v4 = ipv4(tail[1]!);
    if (!v4) return null;
    h = `${h.slice(0, -tail[1]!.length)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = h.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16));
}

function ipv4Kind([a, b]: number[]): AddressKind {
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b! >= 64 && b! <= 127) return 'private'; // carrier-grade NAT
  return 'public';
}

/**
 * The kind of network a host name or IP literal is on: `localhost` and `127.0.0.0/8` / `::1` are loopback,
 * `169.254.0.0/16` / `fe80::/10` link-local (where cloud metadata services answer), `10/8`, `172.16/12`,
 * `192.168/16`, `100.64/10`, `fc00::/7` private, `0.0.0.0` / `::` unspecified; any other name is `'public'`
 * (names are not resolved here).
 *
 * @param host - A URL's host name (IPv6 with or without brackets).
 * @returns The {@link AddressKind}.
 * @example
 * ```ts
 * import { addressKind } from '@lxmls/hub';
 * console.log(addressKind('169.254.169.254'), addressKind('[::1]'), addressKind('10.1.2.3'), addressKind('huggingface.co'));
 * // → link-local loopback private public
 * ```
 */
export function addressKind(host: string): AddressKind {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return 'loopback';
  const v4 = ipv4(h);
  if (v4) return ipv4Kind(v4);
  const v6 = ipv6(h);
  if (!v6) return 'public';
  if (v6.every((g) => g === 0)) return 'unspecified';
  if (v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1) return 'loopback';
  if (v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff)
    return ipv4Kind([v6[6]! >> 8, v6[6]! & 255, v6[7]! >> 8, v6[7]! & 255]); // ::ffff:a.b.c.d
  if ((v6[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((v6[0]! & 0xfe00) === 0xfc00) return 'private';
  return 'public';
}

/** The hosts the Hugging Face hub redirects its files to (LFS and Xet storage). */
export const HUGGING_FACE_FILE_HOSTS: readonly string[] = ['.huggingface.co', '.hf.co'];

/** Options of the redirect policy. */
export interface RedirectPolicy {
  /**
   * Hosts a redirect may lead to besides the start URL's origin: exact names, or suffixes starting with a dot
   * (`.hf.co` allows `cas-bridge.xethub.hf.co`). `['*']` allows any public host.
   * @defaultValue `huggingface.co` and its file hosts when the download starts on `huggingface.co`, else none
   */
  allowRedirectHosts?: readonly string[];
  /** Follow redirects to loopback, private and link-local addresses too. @defaultValue false */
  allowPrivateNetwork?: boolean;
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowed.some((a) => {
    const rule = a.toLowerCase();
    return rule === '*' || rule === h || (rule.startsWith('.') && (h.endsWith(rule) || h === rule.slice(1)));
  });
}

/** The default `allowRedirectHosts` for a start URL. */
function defaultAllowed(start: URL): readonly string[] {
  const h = start.hostname.toLowerCase();
  return h === 'huggingface.co' || h.endsWith('.huggingface.co') || h === 'hf.co' || h.endsWith('.hf.co')
    ? ['huggingface.co', 'hf.co', ...HUGGING_FACE_FILE_HOSTS]
    : [];
}

/**
 * Why a redirect from `from` (the download started at `start`) to `to` must not be followed, or `null` when
 * it may be.
 *
 * @param start - The URL the download started at.
 * @param from - The URL that answered with the redirect.
 * @param to - The redirect's target (absolute).
 * @param policy - {@link RedirectPolicy}.
 * @param resolved - The addresses `to`'s host name resolves to, when known (each is checked too).
 * @returns The reason in words, or `null`.
 * @example
 * ```ts
 * import { redirectProblem } from '@lxmls/hub';
 * const u = (s: string) => new URL(s);
 * const start = u('https://huggingface.co/gpt2/resolve/main/model.safetensors');
 * console.log(redirectProblem(start, start, u('https://cas-bridge.xethub.hf.co/x'))); // → null
 * console.log(redirectProblem(start, start, u('http://huggingface.co/x'))); // → it leaves https for http
 * console.log(redirectProblem(start, start, u('http://169.254.169.254/latest/meta-data/')));
 * // → it leaves https for http
 * console.log(redirectProblem(u('http://mirror.example/a'), u('http://mirror.example/a'), u('http://169.254.169.254/')));
 * // → it leads to another host (169.254.169.254), which is not in allowRedirectHosts
 * ```
 */
export function redirectProblem(
  start: URL,
  from: URL,
  to: URL,
  policy: RedirectPolicy = {},
  resolved: readonly string[] = [],
): string | null {
  if (to.protocol !== 'http:' && to.protocol !== 'https:') return `it leads to a ${to.protocol} URL`;
  if (from.protocol === 'https:' && to.protocol === 'http:') return 'it leaves https for http';
  if (to.username !== '' || to.password !== '') return 'it carries credentials in the URL';
  if (to.origin !== start.origin) {
    const allowed = policy.allowRedirectHosts ?? defaultAllowed(start);
    if (!hostAllowed(to.hostname, allowed))
      return `it leads to another host (${to.hostname}), which is not in allowRedirectHosts`;
  }
  if (policy.allowPrivateNetwork !== true) {
    const startKind = addressKind(start.hostname);
    for (const host of [to.hostname, ...resolved]) {
      const kind = addressKind(host);
      if (kind === 'public') continue;
      // a download that started on a local mirror may stay on that kind of network, never reach link-local
      if (startKind !== 'public' && kind !== 'link-local' && kind === startKind) continue;
      if (startKind === 'link-local' && kind === 'link-local') continue;
      return `it leads to a ${kind} address (${host})${host === to.hostname ? '' : ` through ${to.hostname}`}`;
    }
  }
  return null;
}
