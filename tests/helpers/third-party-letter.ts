/**
 * A letter from the persona that passes on another person's private details: what masking
 * must hide before any engine, route or output sees retrieved text. Names stay; `secrets`
 * must never appear.
 */
export const thirdPartyDetails = [
  'Tom, Anil asked me to pass this on about the school pick-up for his daughter.',
  'Anil is on +91 98400 12345 or anil.kumar@example.org, and they have moved to 14 Gandhi Nagar, Chennai 600017.',
  'The school pick-up is from Greenwood School, 45 Lake View Road, at 3:30 on weekdays.',
  'For the school form he gave his Aadhaar, 2345 6789 0120, and paid the fees with card 4111 1111 1111 1111.',
];

export const thirdPartySecrets = ['98400 12345', 'anil.kumar@example.org', 'Gandhi Nagar', '2345 6789 0120', '4111 1111 1111 1111', 'Lake View Road'];
