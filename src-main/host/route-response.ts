/** What an HTTP-like route answers; the server and the Electron protocol handler send it on. */
export interface RouteResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}
