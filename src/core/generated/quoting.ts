/** Quoting for the values the generated files hold. */

/** A YAML double-quoted scalar whose `$` compose does not interpolate. */
export function yamlLiteral(text: string): string {
  return JSON.stringify(text.replace(/\$/g, '$$$$'));
}

/** Text for the message of a compose `${VARIABLE:?message}`, without the characters that would end it. */
export function composeMessageText(text: string): string {
  return text.replace(/[}"$\\]/g, '');
}

/** Text for inside a double-quoted shell string. */
export function shellDoubleQuoted(text: string): string {
  return text.replace(/["\\$`]/g, '\\$&');
}

/** Bytes as lowercase hexadecimal, two digits each (a cookie from random bytes). */
export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
