/** The server refuses longer URLs (webhooks/validation.py). */
export const MAX_URL = 2048;

/** What is wrong with a URL before the server is asked (it checks again, including private addresses). */
export function urlProblem(url: string): string | null {
  const value = url.trim();
  if (!value) return 'Enter the URL that receives the deliveries.';
  if (value.length > MAX_URL) return `A URL is at most ${MAX_URL} characters.`;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return 'Enter a full URL, e.g. https://hooks.example.com/phantom.';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'The URL must start with https://.';
  return null;
}
