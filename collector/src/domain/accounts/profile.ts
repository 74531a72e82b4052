/** Rules for the fields a person types about themselves: email, name, company, phone. */

/** Lower-cases and trims an email so `ALICE@x` and `alice@x` are one account. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** E.164-ish: optional +, digits with single spaces, dashes, dots or parentheses; 7–15 digits. */
export function isValidPhone(phone: string): boolean {
  if (!/^\+?[0-9 ().-]{7,24}$/.test(phone)) return false;
  const digits = phone.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;
}

/** Control characters have no place in a name or company (they break logs and CSV exports). */
export function hasControlCharacters(text: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(text);
}
