/**
 * The expiry of a dh-mqtt access token: its `payload.e` claim, epoch milliseconds
 * (docs/api/README.md "JWT"); undefined when the token cannot be read. Not a verification.
 */
export function tokenExpiry(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeBase64(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
    const expiry = (JSON.parse(json) as { payload?: { e?: unknown } }).payload?.e;
    return typeof expiry === 'number' ? expiry : undefined;
  } catch {
    return undefined;
  }
}

function decodeBase64(text: string): string {
  // `atob` exists in browsers and in Node ≥ 16.
  const binary = atob(text);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
