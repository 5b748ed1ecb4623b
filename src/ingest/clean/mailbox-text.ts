/**
 * Reads a person out of the loose "Name <address>" text that attribution lines and
 * quoted header blocks carry, in the shapes mail clients actually write it:
 * `Bob Smith <bob@x>`, `"Smith, Bob" <bob@x>`, `Bob Smith [mailto:bob@x]`,
 * `*Bob Smith* <bob@x>` (Gmail's plain-text bold), `Bob Smith (<bob@x>)`, `bob@x`.
 */
export interface Mailbox {
  name?: string;
  address?: string;
}

const BRACKETED_ADDRESS = /[<[(]\s*(?:mailto:)?([^\s<>()[\]@]+@[^\s<>()[\]]+?)\s*[>\])]/i;
const BARE_ADDRESS = /(?:mailto:)?([\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+)/;
const NAME_EDGE_NOISE = /^[\s"'*_,;:()<>[\]]+|[\s"'*_,;:()<>[\]]+$/g;
const MAX_MAILBOX_LENGTH = 400;

export function parseMailbox(text: string): Mailbox | undefined {
  if (text.length > MAX_MAILBOX_LENGTH) return undefined;
  let rest = text;
  let address: string | undefined;
  const bracketed = BRACKETED_ADDRESS.exec(rest);
  if (bracketed?.[1] !== undefined) {
    address = bracketed[1];
    rest = rest.slice(0, bracketed.index) + rest.slice(bracketed.index + bracketed[0].length);
  } else {
    const bare = BARE_ADDRESS.exec(rest);
    if (bare?.[1] !== undefined) {
      address = bare[1];
      rest = rest.slice(0, bare.index) + rest.slice(bare.index + bare[0].length);
    }
  }
  // A second copy of the address is common ("bob@x <bob@x>"); it is not a name.
  if (address !== undefined) rest = rest.split(address).join(' ');
  let name = rest.replace(/\s+/g, ' ').replace(NAME_EDGE_NOISE, '').trim();
  // Outlook writes "Smith, Bob" for display names taken from a directory.
  const lastFirst = /^([^,\s]+), ([^,\s]+(?: [^,\s]+)?)$/.exec(name);
  if (lastFirst?.[1] !== undefined && lastFirst[2] !== undefined && !/\d/.test(name)) {
    name = `${lastFirst[2]} ${lastFirst[1]}`;
  }
  const mailbox: Mailbox = {};
  if (name.length > 0 && name.length <= 100 && name !== address) mailbox.name = name;
  if (address !== undefined) mailbox.address = address.toLowerCase();
  return mailbox.name === undefined && mailbox.address === undefined ? undefined : mailbox;
}
