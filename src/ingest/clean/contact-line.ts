/**
 * Classifies the short lines that make up signature blocks and newsletter footers:
 * contact details, addresses, job titles, company names, and bare names.
 * Every test is bounded by line length, so none can be slow on a garbage line.
 */

const MAX_CONTACT_LINE_LENGTH = 160;

const EMAIL_ADDRESS = /[\w.+-]+@[\w-]+\.[\w.-]+/;
const WEB_ADDRESS = /\b(?:https?:\/\/|www\.)\S+|\b[\w-]+\.(?:com|org|net|io|co|ai|dev|app|uk|de|fr|es|nl|it|pt|in|eu|example)\b(?:\/\S*)?/i;
const EVERY_EMAIL_ADDRESS = new RegExp(EMAIL_ADDRESS.source, 'g');
const EVERY_WEB_ADDRESS = new RegExp(WEB_ADDRESS.source, 'gi');
/** A run of digits and phone punctuation; the digit count is checked afterwards. */
const PHONE_CANDIDATE = /\+?\(?\d[\d \t().\-/]{5,}\d/g;
const DATE_LIKE = /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/;
const CONTACT_LABEL =
  /^\W{0,2}(?:(?:tel|telephone|téléphone|telefon|teléfono|telefoon|telefono|phone|ph|mobile|mob|cell|cellphone|handy|portable|móvil|fax|direct|office|switchboard|email|e-mail|web|website|skype|linkedin|twitter|github)\s*[.:]|[mtfewpd]\s*:)\s*\S/i;
const STREET_ADDRESS = new RegExp(
  [
    // "12 Harbour Road", "221B Baker Street"
    String.raw`\b\d+[A-Za-z]?,?\s+(?:\p{Lu}[\p{L}'.-]*\s+){1,4}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Place|Pl|Square|Sq|Court|Ct|Terrace|Parkway|Pkwy|Highway|Hwy|Row|Wharf|Quay|Close|Crescent|Gardens|Mews|Hill)\b`,
    // "Hauptstraße 5", "Keizersgracht 12"
    String.raw`\b\p{Lu}\p{L}*(?:straße|strasse|str\.|weg|platz|allee|gasse|straat|laan|plein|gracht|kade)\s+\d+`,
    // "12 rue de la Paix", "Calle Mayor 5", "Via Roma 1"
    String.raw`(?:^|\d,?\s+|,\s*)(?:rue|avenue|boulevard|bd|calle|avenida|av\.|plaza|via|viale|piazza|corso|rua|travessa|largo)\s+(?:\p{L}+\s+){0,3}\p{Lu}`,
  ].join('|'),
  'u',
);
const POSTCODE =
  /\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b|(?:^|,\s*)\d{4,5}\s+\p{Lu}\p{Ll}+|\b\d{4}\s?[A-Z]{2}\s+\p{Lu}|\b(?:Suite|Floor|Unit|P\.?O\.?\s*Box)\s+\d+/u;
const JOB_TITLE =
  /\b(?:CEO|CTO|CFO|COO|CMO|CPO|VP|SVP|EVP|director|manager|head\s+of|lead|engineer|founder|co-founder|cofounder|president|partner|associate|analyst|consultant|officer|coordinator|specialist|designer|developer|architect|researcher|professor|lecturer|Dr\.|Ph\.?D|assistant|administrator|executive|chair(?:man|woman|person)?|secretary|intern|scientist|editor|producer|advisor|adviser|counsel|attorney|solicitor|accountant|recruiter|strategist|principal|geschäftsführer|leiter|leiterin|directeur|directrice|responsable|gerente|jefe|directora?|ingenieur|ingénieur|ingeniero|ingegnere)\b/i;
const COMPANY_NAME =
  /\b(?:Inc|Ltd|LLC|LLP|GmbH|AG|plc|PLC|Corp|Corporation|Co\.|S\.?A\.?S?|SARL|B\.?V\.?|N\.?V\.?|S\.?L\.?|S\.?r\.?l\.?|Pty|Limited|Labs?|Group|Partners|Technologies|Solutions|Studio|Consulting|Holdings|Foundation|University|Institute)\b\.?$/;
const SOCIAL_LINKS = /^(?:(?:twitter|facebook|linkedin|instagram|youtube|tiktok|mastodon|github|bluesky|threads|x)\b[\s|·•,/]*){1,8}$/i;
const NAME_PARTICLE = /^(?:van|von|de|der|den|du|da|di|del|della|la|le|al|bin|ben|y|e|&)$/;
const CASED_LETTER = /[\p{Lu}\p{Ll}]/u;
const SEPARATORS = /\s*[|·•,/]\s*|\s+[-–—]\s+|\s+/u;

function hasPhoneNumber(text: string): boolean {
  PHONE_CANDIDATE.lastIndex = 0;
  for (let match = PHONE_CANDIDATE.exec(text); match !== null; match = PHONE_CANDIDATE.exec(text)) {
    const candidate = match[0].trim();
    let digits = 0;
    for (const character of candidate) if (character >= '0' && character <= '9') digits++;
    if (digits >= 7 && digits <= 15 && !DATE_LIKE.test(candidate)) return true;
  }
  return false;
}

/**
 * Lines that can only be contact details: labelled fields, addresses, social links,
 * or an email/web address/phone number with at most a name beside it. "Call me at
 * 555 0100 tomorrow" has a number but is a sentence, so it is not one.
 */
export function isStrongContactLine(line: string): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > MAX_CONTACT_LINE_LENGTH) return false;
  if (CONTACT_LABEL.test(text) || STREET_ADDRESS.test(text) || POSTCODE.test(text) || SOCIAL_LINKS.test(text)) return true;
  if (!EMAIL_ADDRESS.test(text) && !WEB_ADDRESS.test(text) && !hasPhoneNumber(text)) return false;
  const leftover = text
    .replace(EVERY_EMAIL_ADDRESS, ' ')
    .replace(EVERY_WEB_ADDRESS, ' ')
    .replace(PHONE_CANDIDATE, ' ');
  const words = wordsOf(leftover.replace(/[<>()[\]:]/g, ' '));
  return words.every((word) => NAME_PARTICLE.test(word) || !/^\p{Ll}/u.test(word));
}

export function isPostalLine(line: string): boolean {
  const text = line.trim();
  return text.length <= MAX_CONTACT_LINE_LENGTH && (STREET_ADDRESS.test(text) || POSTCODE.test(text));
}

export function isSocialLinksLine(line: string): boolean {
  const text = line.trim();
  return text.length <= MAX_CONTACT_LINE_LENGTH && SOCIAL_LINKS.test(text);
}

/** Job titles and company names: short, and not a sentence. */
export function isTitleOrCompanyLine(line: string): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > 80 || /[?!]$/.test(text)) return false;
  if (text.split(/\s+/).length > 8 || !/^[\p{Lu}\d]/u.test(text)) return false;
  return JOB_TITLE.test(text) || COMPANY_NAME.test(text);
}

function wordsOf(line: string): string[] {
  return line.trim().split(SEPARATORS).filter((word) => word.length > 0);
}

/** True when every word of the line is one of the author's names or their initials. */
export function isAuthorNameLine(line: string, authorNames: readonly string[]): boolean {
  if (authorNames.length === 0 || line.length > 60) return false;
  const known = new Set(authorNames.map((name) => name.toLocaleLowerCase()));
  const initials = new Set(authorNames.map((name) => name.charAt(0).toLocaleLowerCase()));
  const words = wordsOf(line.replace(/^[-–—~\s]+/, '').replace(/[.,!]+$/, ''));
  if (words.length === 0 || words.length > 4) return false;
  return words.every((word) => {
    const lower = word.toLocaleLowerCase().replace(/\.$/, '');
    return known.has(lower) || (lower.length === 1 && initials.has(lower)) || (lower.length === 2 && [...lower].every((letter) => initials.has(letter)));
  });
}

/**
 * A short line that reads as a person's or organisation's name: one to five words,
 * each capitalised (or a particle like "van"), or written in a script without case.
 */
export function isNameLikeLine(line: string): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > 50 || /[?!:;]$/.test(text) || !/\p{L}/u.test(text)) return false;
  if (/^[-–—*•]\s/.test(text)) return false;
  if (text.endsWith('.') && !/(?:^|\s)\p{Lu}\.$/u.test(text)) return false;
  const words = wordsOf(text);
  if (words.length === 0 || words.length > 5) return false;
  return words.every((word) => NAME_PARTICLE.test(word) || /^\p{Lu}/u.test(word) || !CASED_LETTER.test(word));
}

/** Outlook's plain-text stand-in for a logo: "[cid:image001.png@01DA7600.12345670]". */
const IMAGE_PLACEHOLDER = /^\s*\[(?:cid:|image|logo|signature|banner)[^\]]{0,120}\]\s*$/i;
const SEGMENT_SEPARATOR = /\s+[|·•]\s+|\s+[-–—]\s+/;

function isSingleSignatureItem(text: string, authorNames: readonly string[]): boolean {
  return isStrongContactLine(text) || isTitleOrCompanyLine(text) || isAuthorNameLine(text, authorNames) || isNameLikeLine(text);
}

/** Any line that may sit in a signature block, including "Name | Title | Company" rows. */
export function isSignatureBlockLine(line: string, authorNames: readonly string[]): boolean {
  if (IMAGE_PLACEHOLDER.test(line) || isSingleSignatureItem(line, authorNames)) return true;
  const text = line.trim();
  if (text.length > MAX_CONTACT_LINE_LENGTH || !SEGMENT_SEPARATOR.test(text)) return false;
  const segments = text.split(SEGMENT_SEPARATOR).filter((segment) => segment.length > 0);
  return segments.length > 1 && segments.every((segment) => isSingleSignatureItem(segment, authorNames));
}
