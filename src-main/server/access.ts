import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** A session ends after this long without a request or an API message. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;

export interface AccessOptions {
  port: number;
  /** The address the server listens on. */
  bindAddress: string;
  /** Served over HTTPS: the cookie is `Secure` and origins are `https://`. */
  tls: boolean;
  /** A fixed URL token (tests); random otherwise. */
  token?: string;
  /** Host names (or addresses) a remote browser may use to reach us, besides the bind address. */
  allowHosts?: readonly string[];
  sessionIdleMs?: number;
  /** The clock (tests); Date.now otherwise. */
  now?: () => number;
}

/** What became of a `?token=` in a URL. */
export type TokenExchange = { kind: 'session'; cookie: string } | { kind: 'used' } | { kind: 'wrong' };

/** What a request's cookie is worth. */
export type SessionState = { kind: 'valid'; secret: string } | { kind: 'expired' } | { kind: 'none' };

/**
 * Who may talk to a `dvp serve` backend. The URL printed at start carries a random token that
 * works once: the first visit trades it for a random session secret, set as an HttpOnly,
 * SameSite=Strict cookie (never the token itself), and is redirected to a clean URL, so the
 * token leaves the address bar and never goes out in a Referer. After that the token is dead.
 * A session ends after `sessionIdleMs` without use. The Host header must name an address we
 * serve on (a DNS-rebinding page cannot reach us), and a WebSocket must come from our origin.
 */
export class AccessControl {
  readonly token: string;
  readonly cookieName: string;
  private tokenUsed = false;
  /** Session secret → when it was last used. */
  private readonly sessions = new Map<string, number>();
  private readonly idleMs: number;
  private readonly now: () => number;
  private readonly hosts: ReadonlySet<string>;

  constructor(private readonly options: AccessOptions) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
    // Cookies ignore the port: name ours after it so two servers on one host do not clash.
    this.cookieName = `dvp_session_${options.port}`;
    this.idleMs = options.sessionIdleMs ?? SESSION_IDLE_MS;
    this.now = options.now ?? Date.now;
    this.hosts = allowedHostHeaders(options);
  }

  /** Trades the URL token for a session, once; `used` after that, `wrong` for anything else. */
  exchangeToken(candidate: string | null | undefined): TokenExchange {
    if (!sameSecret(candidate, this.token)) return { kind: 'wrong' };
    if (this.tokenUsed) return { kind: 'used' };
    this.tokenUsed = true;
    const secret = randomBytes(32).toString('base64url');
    this.sessions.set(secret, this.now());
    return { kind: 'session', cookie: this.cookieHeader(secret) };
  }

  /** Checks the request's session cookie and, when valid, marks the session as used now. */
  session(request: IncomingMessage): SessionState {
    const secret = readCookie(request.headers.cookie, this.cookieName);
    if (secret === null) return { kind: 'none' };
    return this.touch(secret) ? { kind: 'valid', secret } : { kind: 'expired' };
  }

  /** True while the session lives; each call counts as use. */
  touch(secret: string): boolean {
    const now = this.now();
    for (const [known, lastUsed] of this.sessions) {
      if (now - lastUsed > this.idleMs) {
        this.sessions.delete(known);
        continue;
      }
      if (sameSecret(secret, known)) {
        this.sessions.set(known, now);
        return true;
      }
    }
    return false;
  }

  private cookieHeader(secret: string): string {
    return `${this.cookieName}=${secret}; HttpOnly; SameSite=Strict; Path=/${this.options.tls ? '; Secure' : ''}`;
  }

  /** Refuses requests whose Host header is not one of our names (DNS rebinding). */
  hostAllowed(request: IncomingMessage): boolean {
    return this.hosts.has((request.headers.host ?? '').toLowerCase());
  }

  /** A WebSocket must be opened by a page of this server (browsers always send Origin). */
  originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    return origin !== undefined && origin.toLowerCase() === `${this.options.tls ? 'https' : 'http'}://${(request.headers.host ?? '').toLowerCase()}`;
  }
}

export function isLoopback(address: string): boolean {
  const lower = address.toLowerCase();
  return lower === 'localhost' || lower === '::1' || lower.startsWith('127.') || lower.startsWith('::ffff:127.');
}

export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/** Every Host header value that names us: `name:port`, and the bare name on the scheme's default port. */
function allowedHostHeaders(options: AccessOptions): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '::1', ...(options.allowHosts ?? [])]);
  if (!isWildcard(options.bindAddress)) names.add(options.bindAddress);
  else for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) names.add(entry.address);
  const defaultPort = options.tls ? 443 : 80;
  const headers = new Set<string>();
  for (const raw of names) {
    const name = raw.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const shown = isIP(name) === 6 ? `[${name}]` : name;
    headers.add(`${shown}:${options.port}`);
    if (options.port === defaultPort) headers.add(shown);
  }
  return headers;
}

function sameSecret(candidate: string | null | undefined, secret: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
