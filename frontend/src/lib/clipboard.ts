/** Copies to the clipboard; without the Clipboard API, selects the input for Ctrl+C. */
export async function copyText(text: string, fallbackInput: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    fallbackInput?.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}
