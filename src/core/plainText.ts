/**
 * Text for a notification, a progress message or a dialog, with no link in it. VS Code turns
 * `[label](command:id?args)` in such text into a link that runs the command when clicked, and
 * these messages carry names and output from the project and its containers, which anyone who
 * wrote them controls.
 */
export function plainText(text: string): string {
  return text.replace(/\]\s*\(/g, '] (').replace(/\]\s*\]/g, '] ]');
}
