/**
 * Third parties' contact and identity details are masked, the persona's own are kept, and
 * numbers that are not details (years, times, prices, order numbers) stay as written.
 * Each row is a real-shaped sentence; the masked value must be gone and the placeholder there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passesIbanChecksum, passesLuhn, passesVerhoeff } from '../../src/privacy/identifier-checksums.js';
import { maskThirdParties } from '../../src/privacy/mask-third-parties.js';

const keep = ['meera@kaveri-bridgeworks.example', 'Meera Krishnan', '+91 44 2811 4400', '12 Beach Road, Chennai 600020'];

const masked: [string, string, string][] = [
  // [sentence, the detail that must go, the placeholder]
  ['Call Anil on +91 98400 12345 after six.', '98400 12345', '[phone]'],
  ['Her mobile is 098400 12345.', '098400 12345', '[phone]'],
  ['Or just 9840012345 on WhatsApp.', '9840012345', '[phone]'],
  ['Ring Tom at +44 20 7946 0958 tomorrow.', '7946 0958', '[phone]'],
  ['The London office is 020 7946 0958.', '020 7946 0958', '[phone]'],
  ['US desk: +1 (415) 555-0132.', '555-0132', '[phone]'],
  ['US desk: (415) 555-0132.', '555-0132', '[phone]'],
  ['Try 415.555.0132 instead.', '415.555.0132', '[phone]'],
  ['Berlin: +49 30 901820, ask for Jana.', '901820', '[phone]'],
  ['Paris: +33 1 42 68 53 00.', '42 68 53 00', '[phone]'],
  ['Sydney +61 2 9374 4000 is the site office.', '9374 4000', '[phone]'],
  ['Tokyo +81 3-1234-5678.', '1234-5678', '[phone]'],
  ['Write to tom.okafor@example.org about it.', 'tom.okafor@example.org', '[email]'],
  ['Anil lives at 14 Gandhi Nagar, Chennai 600017 now.', 'Gandhi Nagar', '[address]'],
  ['Send it to Flat 4B, 17 MG Road, Bengaluru 560001 please.', 'MG Road', '[address]'],
  ['Ravi moved to 4/17, Anna Salai last year.', 'Anna Salai', '[address]'],
  ['Plot 14, Industrial Estate Road, Guindy, Chennai 600 032', 'Plot 14', '[address]'],
  ['The flat is 221B Baker Street, London NW1 6XE.', 'Baker Street', '[address]'],
  ['His parents are at 10 Elm Grove, Leeds LS6 2AB.', 'Elm Grove', '[address]'],
  ['Post it to 1600 Pennsylvania Avenue NW, Washington, DC 20500.', 'Pennsylvania', '[address]'],
  ['She is at 350 Fifth Avenue, New York, NY 10118-0110 until May.', 'Fifth Avenue', '[address]'],
  ['Pick the kids up from Greenwood School, 45 Lake View Road, at 3:30.', 'Lake View Road', '[address]'],
  ['Her Aadhaar is 2345 6789 0120.', '2345 6789 0120', '[id number]'],
  ['Aadhaar 491837264503 on the form.', '491837264503', '[id number]'],
  ['His SSN is 123-45-6789.', '123-45-6789', '[id number]'],
  ['NI number JG 10 37 28 D for payroll.', 'JG 10 37 28 D', '[id number]'],
  ['NI AB123456D.', 'AB123456D', '[id number]'],
  ['PAN ABCPE1234F for the TDS.', 'ABCPE1234F', '[id number]'],
  ['Card 4111 1111 1111 1111, expiry 09/27.', '4111 1111 1111 1111', '[card]'],
  ['Card 4111111111111111 was declined.', '4111111111111111', '[card]'],
  ['Use 5500-0000-0000-0004 for the deposit.', '5500-0000-0000-0004', '[card]'],
  ['Amex 3782 822463 10005 is his.', '3782 822463 10005', '[card]'],
  ['Pay into GB82 WEST 1234 5698 7654 32 by Friday.', 'GB82 WEST 1234 5698 7654 32', '[bank account]'],
  ['IBAN DE89 3704 0044 0532 0130 00 THANKS.', 'DE89 3704 0044 0532 0130 00', '[bank account]'],
  ['IBAN DE89370400440532013000.', 'DE89370400440532013000', '[bank account]'],
  ['FR14 2004 1010 0505 0001 3M02 606 is the landlord.', 'FR14 2004 1010 0505 0001 3M02 606', '[bank account]'],
];

const unchanged = [
  'We finished in 2019 and again in 2019 2020 the monsoon came.',
  'The pour starts at 10:30 and ends by 17:45.',
  'It cost $1,250.00, or Rs. 45,000 with the crane.',
  'Order #112-4567890-1234567 arrived; invoice INV-2023-0042 too.',
  'Order number 58213907 was shipped.',
  'Saved at 1741448040 (Unix time) in 1741099500.M1P4242.kaveri-laptop.',
  'Drawing 4471-B rev 3, sheet 12 of 40.',
  'On 2025-03-04 and 04/03/2025 we met.',
  'Load is 4.5 kN/m2 over 12.5 m spans.',
  'Call me on +91 44 2811 4400 any time.',
  'Write to meera@kaveri-bridgeworks.example.',
  'Come to 12 Beach Road, Chennai 600020 for tea.',
  'Meera Krishnan and Tom Okafor met Anil.',
  'Card ending 1111 was used; 4111 1111 1111 1112 fails its check.',
];

test('masks third parties\' phone, e-mail and street addresses, ID, card and bank numbers in real formats', () => {
  for (const [sentence, detail, placeholder] of masked) {
    const result = maskThirdParties(sentence, { keep });
    assert.ok(!result.includes(detail), `${JSON.stringify(sentence)} kept ${JSON.stringify(detail)}: ${JSON.stringify(result)}`);
    assert.ok(result.includes(placeholder), `${JSON.stringify(sentence)} has no ${placeholder}: ${JSON.stringify(result)}`);
  }
});

test('keeps names, years, times, prices, order numbers, failed checksums and the persona\'s own details', () => {
  for (const sentence of unchanged) assert.equal(maskThirdParties(sentence, { keep }), sentence);
  assert.equal(
    maskThirdParties('Anil Kumar said Priya Nair will call.', { keep: [] }),
    'Anil Kumar said Priya Nair will call.',
  );
  assert.equal(maskThirdParties('Meet at 12 Lake View Road, Ravi said.', { keep: [] }), 'Meet at [address], Ravi said.');
  assert.equal(maskThirdParties('Pick the kids up at 3:30 from Greenwood School.', { keep: [] }), 'Pick the kids up at 3:30 from Greenwood School.');
});

test('the check digits are the standard ones', () => {
  assert.ok(passesLuhn('79927398713') && !passesLuhn('79927398710'));
  assert.ok(passesIbanChecksum('GB82 WEST 1234 5698 7654 32') && !passesIbanChecksum('GB82 WEST 1234 5698 7654 33'));
  assert.ok(passesVerhoeff('2363') && !passesVerhoeff('2364'));
});
