import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to a `dvp serve` backend: whoever holds the random token printed with the
 * URL. The first visit carries it as `?token=`; the server answers with an HttpOnly,
 * SameSite=Strict cookie and redirects to a clean URL, so the token leaves the address bar
 * and never goes out in a Referer. On loopback the Host header must name the loopback
 * address (a DNS-rebinding page cannot reach us), and a WebSocket must come from our origin.
 */
export class AccessControl {
  readonly token: string;
  readonly cookieName: string;

  constructor(
    private readonly port: number,
    private readonly loopbackOnly: boolean,
    token?: string,
  ) {
    this.token = token ?? randomBytes(24).toString('base64url');
    // Cookies ignore the port: name ours after it so two servers on one host do not clash.
    this.cookieName = `dvp_token_${port}`;
  }

  tokenMatches(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  hasValidCookie(request: IncomingMessage): boolean {
    return this.tokenMatches(readCookie(request.headers.cookie, this.cookieName));
  }

  cookieHeader(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** Refuses requests whose Host header is not our loopback address (DNS rebinding). */
  hostAllowed(request: IncomingMessage): boolean {
    if (!this.loopbackOnly) return true;
    const host = request.headers.host ?? '';
    return [`127.0.0.1:${this.port}`, `localhost:${this.port}`, `[::1]:${this.port}`].includes(host.toLowerCase());
  }

  /** A WebSocket must be opened by a page of this server (browsers always send Origin). */
  originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    return origin !== undefined && origin === `http://${request.headers.host ?? ''}`;
  }
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
