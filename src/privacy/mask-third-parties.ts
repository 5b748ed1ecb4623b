/**
 * Replaces other people's contact and identity details — phone numbers, e-mail and
 * street addresses, government ID numbers (Aadhaar, US SSN, UK National Insurance,
 * Indian PAN), card numbers (Luhn-checked) and bank accounts (IBAN, checksum-checked) —
 * with placeholders. Retrieval masks every passage it returns with this (so no engine,
 * route or batch output sees a stranger's details), and `persona dataset export --mask`
 * masks training pairs with it (so a model is not taught them).
 *
 * Names stay: who said what is what the persona talks about. The persona's own details
 * (its identities, and the `privacy.ownDetails` setting) are kept: they are the persona's
 * to give. Numbers are masked only when their shape and, where one exists, their check
 * digit say what they are, so years, times, prices and order numbers stay readable.
 */
import { passesIbanChecksum, passesLuhn, passesVerhoeff } from './identifier-checksums.js';

/** A run of digits with the usual separators; checked further in `isPhoneNumber`. */
const phoneCandidate = /(?<![\w.+-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{1,5}(?:[\s.-]?\d{2,5}){1,5}(?![\w-]|\.\d)/g;
const emailAddress = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** IBAN as printed (groups of four) or run together; the checksum decides. */
const ibanCandidate = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;
/** Card numbers unbroken, in fours (Visa, Mastercard, …) or 4-6-5 (Amex); Luhn decides. */
const cardCandidate = /(?<![\w.+-])(?:\d{13,19}|\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{4,5})(?![\w-]|\.\d)/g;
/** Aadhaar: 12 digits, first 2–9, usually in fours; Verhoeff decides. */
const aadhaarCandidate = /(?<![\w.+-])[2-9]\d{3}([ -]?)\d{4}\1\d{4}(?![\w-]|\.\d)/g;
/** US SSN: area not 000, 666 or 9xx; group not 00; serial not 0000. */
const socialSecurityNumber = /(?<![\w.+-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-]|\.\d)/g;
/** UK National Insurance: two prefix letters (a few never issued), six digits, suffix A–D. */
const nationalInsuranceNumber = /\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g;
/** Indian PAN: five letters (the fourth says the holder's type), four digits, a letter. */
const permanentAccountNumber = /\b[A-Z]{3}[ABCFGHLJPT][A-Z]\d{4}[A-Z]\b/g;

const streetWords =
  'Street|St\\.?|Road|Rd\\.?|Avenue|Ave\\.?|Lane|Ln\\.?|Drive|Boulevard|Blvd\\.?|Way|Court|Grove|Gardens|Crescent|Terrace|Place|Square|Close|Mews|Parkway|Highway|Salai|Nagar|Marg|Cross|Layout|Colony';
/**
 * "12 Beach Road", "4/17, Anna Salai", "221B Baker Street, London NW1 6XE", "Flat 4B, 17 MG
 * Road, Bengaluru 560001", "1600 Pennsylvania Avenue NW, Washington, DC 20500". The street
 * word is what makes a number-and-words an address; the town and post code after it go too.
 */
const town = "[A-Z][\\w'.-]*(?:\\s+[A-Z][\\w'.-]*)?";
/** Indian PIN, US ZIP, UK post code. */
const postCode = '(?:\\d{3}\\s?\\d{3}|\\d{5}(?:-\\d{4})?|[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2})';
const postalAddress = new RegExp(
  [
    '(?:\\b(?:Flat|Apt\\.?|Apartment|Unit|Suite|House|Door|Plot|Block)\\s+(?:No\\.?\\s*)?[\\w/-]+,?\\s+)?',
    '\\b\\d{1,5}[A-Za-z]?(?:[/-]\\d{1,5})?,?\\s+',
    "(?:[A-Z0-9][\\w'.-]*\\s+){0,4}",
    `(?:${streetWords})\\b`,
    '(?:\\s+(?:NW|NE|SW|SE|N|S|E|W)\\b)?',
    '(?:,?\\s+(?:Apt\\.?|Suite|Unit|Flat|#)\\s*[\\w-]+)?',
    // The town goes with it only when a post code follows or the clause ends: "12 Beach Road, Ravi said" keeps Ravi.
    `(?:(?:,\\s*${town}){1,2}(?:,?\\s+[A-Z]{2})?[\\s,-]+${postCode}\\b|(?:,\\s*${town}){1,2}(?=\\s*(?:[.;:,)\\n]|$))|(?:,?\\s+[A-Z]{2})?[\\s,-]+${postCode}\\b)?`,
  ].join(''),
  'g',
);

export interface MaskOptions {
  /** The persona's own details: e-mail and street addresses, names, phone, ID and account numbers. Matches are never masked. */
  keep: readonly string[];
}

export type MaskedKind = 'email' | 'bank account' | 'card' | 'id number' | 'address' | 'phone';

export function maskThirdParties(text: string, options: MaskOptions): string {
  const kept = keptDetails(options.keep);
  const placeholder = (kind: MaskedKind, match: string): string => (kept.has(match, kind) ? match : `[${kind}]`);
  return (
    text
      // E-mail first: an address may hold digits that look like anything else.
      .replace(emailAddress, (address) => placeholder('email', address))
      .replace(ibanCandidate, (candidate) => maskIban(candidate, placeholder))
      .replace(cardCandidate, (candidate) => (isCardNumber(candidate) ? placeholder('card', candidate) : candidate))
      .replace(aadhaarCandidate, (candidate) => (passesVerhoeff(digitsOf(candidate)) ? placeholder('id number', candidate) : candidate))
      .replace(socialSecurityNumber, (candidate) => placeholder('id number', candidate))
      .replace(nationalInsuranceNumber, (candidate) => placeholder('id number', candidate))
      .replace(permanentAccountNumber, (candidate) => placeholder('id number', candidate))
      .replace(postalAddress, (address) => placeholder('address', address.replace(/[\s,]+$/, '')) + (/[\s,]+$/.exec(address)?.[0] ?? ''))
      .replace(phoneCandidate, (candidate) => (isPhoneNumber(candidate) ? placeholder('phone', candidate) : candidate))
  );
}

interface KeptDetails {
  has(match: string, kind: MaskedKind): boolean;
}

function keptDetails(keep: readonly string[]): KeptDetails {
  const emails = new Set(keep.filter((detail) => detail.includes('@')).map((detail) => detail.trim().toLowerCase()));
  const phones = new Set(keep.map(digitsOf).filter((digits) => digits.length >= 7).map(lastDigits));
  const others = keep.map(comparable).filter((detail) => detail.length >= 6);
  return {
    has(match, kind) {
      if (kind === 'email') return emails.has(match.toLowerCase());
      if (kind === 'phone') return phones.has(lastDigits(digitsOf(match)));
      const candidate = comparable(match);
      // A setting may hold more or less of an address than the text does ("12 Beach Road" / "12 Beach Road, Chennai 600020").
      return others.some((detail) => detail === candidate || candidate.includes(detail) || (candidate.length >= 6 && detail.includes(candidate)));
    },
  };
}

function comparable(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

/** The national number without its country or trunk prefix: "+91 98400 12345" and "098400 12345" are one phone. */
function lastDigits(digits: string): string {
  return digits.slice(-9);
}

/** Cards are 13–19 digits from a card network's range (2–6) with a valid Luhn digit. */
function isCardNumber(candidate: string): boolean {
  const digits = digitsOf(candidate);
  return digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && passesLuhn(digits);
}

/** A trailing capitalised word can join the IBAN's last group: shorten group by group until the checksum holds. */
function maskIban(candidate: string, placeholder: (kind: MaskedKind, match: string) => string): string {
  const groups = candidate.split(' ');
  for (let count = groups.length; count >= 1; count -= 1) {
    const prefix = groups.slice(0, count).join(' ');
    if (passesIbanChecksum(prefix)) return placeholder('bank account', prefix) + candidate.slice(prefix.length);
  }
  return candidate;
}

/** Dates, times, drawing numbers and quantities look like digit runs too; a phone has 8–15 digits and a phone's shape. */
function isPhoneNumber(candidate: string): boolean {
  const digits = digitsOf(candidate);
  if (digits.length < 8 || digits.length > 15) return false;
  if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$/.test(candidate) || /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(candidate)) return false;
  // Two years side by side ("2019 2020") are not a phone.
  if (/^(?:19|20)\d\d[\s-](?:19|20)\d\d$/.test(candidate)) return false;
  // An unbroken run with no "+" is as likely an account or order number; phones that short are written with a prefix.
  // Unbroken, no phone starts with 1 (NANP area codes, Indian mobiles and UK numbers cannot): that is a Unix time.
  return candidate.startsWith('+') || candidate.startsWith('(') || /[\s.-]/.test(candidate) || (digits.length >= 10 && !candidate.startsWith('1'));
}
