/**
 * Replaces other people's phone numbers, e-mail addresses and postal addresses with
 * placeholders, so a training set does not teach a model a stranger's contact details.
 * The persona's own identities (addresses, names, and any phone numbers added as
 * identities) are kept: they are part of how the persona writes.
 */

/** A run of digits with the usual separators; checked further in `isPhoneNumber`. */
const phoneCandidate = /(?<![\w.+-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]?\d{2,5}){1,5}(?![\w-]|\.\d)/g;
const emailAddress = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** "12 Beach Road", "4/17, Anna Salai", "221B Baker Street, London NW1 6XE"; street words are what make it an address. */
const postalAddress =
  /\b\d{1,5}[A-Za-z]?(?:\/\d{1,5})?,?\s+(?:[A-Z][\w'.-]*\s+){0,4}(?:Street|St\.|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Boulevard|Blvd\.?|Salai|Nagar|Marg|Close|Crescent|Terrace|Place|Square|Highway)\b(?:,\s*[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,2})?(?:[\s,-]+(?:\d{3}\s?\d{3}|\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}))?/g;

export interface MaskOptions {
  /** The persona's identities: e-mail addresses, names, phone numbers. Matches are never masked. */
  keep: readonly string[];
}

export function maskThirdParties(text: string, options: MaskOptions): string {
  const keptAddresses = new Set(options.keep.filter((identity) => identity.includes('@')).map((identity) => identity.trim().toLowerCase()));
  const keptPhones = new Set(options.keep.map(digitsOf).filter((digits) => digits.length >= 7).map(lastDigits));
  return text
    .replace(postalAddress, '[address]')
    .replace(emailAddress, (address) => (keptAddresses.has(address.toLowerCase()) ? address : '[email]'))
    .replace(phoneCandidate, (candidate) => {
      if (!isPhoneNumber(candidate)) return candidate;
      return keptPhones.has(lastDigits(digitsOf(candidate))) ? candidate : '[phone]';
    });
}

function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

/** The national number without its country or trunk prefix: "+91 98400 12345" and "098400 12345" are one phone. */
function lastDigits(digits: string): string {
  return digits.slice(-9);
}

/** Dates, times, drawing numbers and quantities look like digit runs too; a phone has 8–15 digits and a phone's shape. */
function isPhoneNumber(candidate: string): boolean {
  const digits = digitsOf(candidate);
  if (digits.length < 8 || digits.length > 15) return false;
  if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$/.test(candidate) || /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(candidate)) return false;
  // An unbroken run with no "+" is as likely an account or order number; phones that short are written with a prefix.
  return candidate.startsWith('+') || candidate.startsWith('(') || /[\s.-]/.test(candidate) || digits.length >= 10;
}
