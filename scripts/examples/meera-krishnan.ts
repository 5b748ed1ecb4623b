/**
 * The binary files of examples/meera-krishnan, a fictional structural engineer in Chennai:
 * two PDFs, two Word files, the two .eml messages that carry one of each as an attachment,
 * an Outlook .msg, and a stub TIFF that the ingester must skip. Every date is fixed and
 * no id is random, so running this twice gives the same bytes. The text files of the
 * example (the other emails, the mbox, Maildir, chats, interviews) are written by hand.
 * Every person, company, address and number here is invented.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeMsgFile } from '../../tests/helpers/make-msg-file.js';
import { buildDocx } from './build-docx.js';
import { buildMimeMessage } from './build-mime-message.js';
import { buildPdf } from './build-pdf.js';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const meera = { name: 'Meera Krishnan', address: 'meera@kaveri-bridgeworks.example' };
const arjun = { name: 'Arjun Ramesh', address: 'arjun@kaveri-bridgeworks.example' };
const daniel = { name: 'Daniel Pereira', address: 'd.pereira@harbourcouncil.example' };

/** Writes every generated file under `folder` (the example's root); returns the paths written. */
export async function writeMeeraKrishnanExample(folder: string): Promise<string[]> {
  const written: string[] = [];
  const write = async (relative: string, content: Buffer): Promise<void> => {
    const target = path.join(folder, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
    written.push(relative);
  };

  await write('documents/adyar-creek-footbridge-design-note.pdf', await designNotePdf());
  await write('documents/footbridges-that-breathe-talk.docx', await talkDocx());
  // A scanned page: a TIFF header and an empty directory. The ingester skips it with a reason.
  await write('documents/scan.tiff', Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]));

  const boreholeSummary = await boreholeSummaryDocx();
  await write('mail/01-borehole-logs-with-docx.eml', boreholeLogsEmail(boreholeSummary));
  const drainageDetail = await drainageDetailPdf();
  await write('mail/09-drainage-detail-rev-b-with-pdf.eml', drainageDetailEmail(drainageDetail));
  await write('mail/site-visit.msg', siteVisitMsg());

  // Maildir's tmp/ must exist (and stay empty of mail); git keeps it through a dot-file the ingester ignores.
  await write('mail/Maildir/tmp/.gitkeep', Buffer.alloc(0));
  return written;
}

function designNotePdf(): Promise<Buffer> {
  return buildPdf({
    title: 'Design Note DN-07: Adyar Creek Footbridge',
    author: 'Meera Krishnan',
    subject: 'Structural scheme for a 34 m pedestrian and cycle bridge',
    keywords: 'footbridge, box girder, vibration, drainage, Kaveri Bridgeworks',
    date: new Date('2025-03-07T11:30:00+05:30'),
    footer: 'Kaveri Bridgeworks  |  DN-07 Adyar Creek Footbridge  |  Revision A, 7 March 2025',
    pages: [
      [
        { kind: 'title', text: 'Design Note DN-07: Adyar Creek Footbridge' },
        { kind: 'small', text: 'Kaveri Bridgeworks. Prepared by Meera Krishnan. Revision A, 7 March 2025. For discussion with the client and the geotechnical consultant.' },
        { kind: 'heading', text: '1. Purpose' },
        {
          kind: 'paragraph',
          text: 'This note sets out the structural scheme for a new pedestrian and cycle bridge over Adyar Creek, linking the residential lanes on the east bank to the school and the market on the west bank. Today people cross on a broken concrete slab that floods every monsoon, or they walk 1.8 km round by the road bridge. Children do the first, which is why this bridge matters.',
        },
        {
          kind: 'paragraph',
          text: "The note is written so that the client, the council's reviewers and our own team agree on the scheme before detailed design starts. Numbers are preliminary and will change; the principles should not.",
        },
        { kind: 'heading', text: '2. Site and constraints' },
        {
          kind: 'bullets',
          items: [
            'Clear span between the banks: 34 m. No pier in the channel: the creek carries debris in flood, and the fishing boats need the full width.',
            'Soffit at least 1.0 m above the highest recorded flood level, which puts the deck about 3.2 m above the east bank path.',
            'Soft marine clay to about 7.5 m on the east bank; weathered rock at about 2.8 m on the west bank (borehole logs BH-1 to BH-3, Okafor Geotechnical, March 2025).',
            'Clear width 3.0 m, shared by pedestrians, cyclists and the occasional handcart. Ramps at 1:20 at both ends; steps are never the only route.',
            'Salt air: the site is 900 m from the sea. Every detail must assume wet, salty and rarely maintained.',
          ],
        },
        { kind: 'heading', text: '3. Design principles' },
        {
          kind: 'paragraph',
          text: 'Three principles guided every choice in this note. First, the bridge should be comfortable to walk on, not merely strong enough: a bridge that bounces underfoot loses the trust of the people who use it. Second, water must leave the structure within seconds of landing on it. Third, everything that will need attention in twenty years must be reachable by one person with a ladder and a spanner.',
        },
      ],
      [
        { kind: 'heading', text: '4. Structural scheme' },
        {
          kind: 'paragraph',
          text: 'We propose a single-span steel box girder, 34 m long, with a composite concrete deck 180 mm thick. The box is 1.4 m deep and trapezoidal, and sits under the centre of the deck, with steel cantilever ribs at 2.5 m centres carrying the deck edges. A single box keeps the underside clean: there are no pockets for water, silt or nesting birds, and the inside of the box is sealed and kept dry rather than painted.',
        },
        {
          kind: 'paragraph',
          text: 'Alternatives considered: a steel truss (lighter, but many more members to paint and inspect), a precast concrete girder (heavy on the soft east bank, and hard to lift into place from a 3.5 m lane), and a stress-ribbon (elegant, but its sag conflicts with the 1:20 ramps).',
        },
        { kind: 'heading', text: '5. Vibration and comfort' },
        {
          kind: 'paragraph',
          text: 'People walk at about 1.6 to 2.4 steps per second, and a bridge whose first vertical mode sits in that band can be driven into uncomfortable motion by an ordinary crowd. We target a first vertical frequency above 3.0 Hz and a first lateral frequency above 1.3 Hz, so that neither walking nor the sideways sway of a dense crowd can lock in.',
        },
        {
          kind: 'bullets',
          items: [
            'Preliminary model: first vertical mode 3.3 Hz, first lateral mode 2.1 Hz.',
            'Vertical acceleration under a stream of 0.8 persons per square metre: 0.42 m/s2, within the comfort limit of 0.7 m/s2 that we adopt.',
            'Space is left for a tuned mass damper inside the box at midspan, to be fitted only if tests after construction show that it is needed.',
          ],
        },
        { kind: 'heading', text: '6. Foundations' },
        {
          kind: 'paragraph',
          text: 'East abutment: four bored cast-in-situ piles, 750 mm in diameter, taken into the medium-dense sand below the clay and designed for down-drag from the approach fill. West abutment: a spread footing on the weathered rock found at about 2.8 m in BH-3. The two abutments will settle differently, so the bearings allow for 15 mm of differential settlement without re-levelling.',
        },
      ],
      [
        { kind: 'heading', text: '7. Drainage and durability' },
        {
          kind: 'bullets',
          items: [
            'Deck cross-fall of 2.5% towards the downstream edge; scuppers at 1.5 m centres discharging clear of the steel through drip tubes.',
            'No pipes under the deck. The creek is the receiving water, and a silt trap at the foot of each ramp catches what the ramps collect.',
            'Steelwork: blast-cleaned, zinc-rich primer, epoxy intermediate coat, polyurethane finish. The inside of the box is sealed and left bare, with a desiccant hatch.',
            'Stainless steel for handrail fixings, scuppers and anything within 300 mm of the deck surface.',
            'Deck surfacing: a textured, light-coloured finish that stays cool in the April sun and grippy in the July rain.',
          ],
        },
        { kind: 'heading', text: '8. Open questions' },
        {
          kind: 'bullets',
          items: [
            'Undrained shear strength profile of the east bank clay (requested from Okafor Geotechnical on 4 March).',
            'Whether the council will allow the lighting to be fixed to the handrail rather than on separate poles.',
            'Construction access: the west bank lane is 3.5 m wide, so the girder will probably arrive in two segments and be spliced on site.',
          ],
        },
        { kind: 'heading', text: '9. Next steps' },
        {
          kind: 'paragraph',
          text: "Subject to the client's comments, detailed design starts in the week of 17 March, with tender drawings by the end of May, before the rains. Comments on this note are welcome, especially the ones that start with 'have you thought about'.",
        },
        { kind: 'small', text: 'Meera Krishnan, Principal, Kaveri Bridgeworks, 12 Riverside Lane, Kotturpuram, Chennai 600 000.' },
      ],
    ],
  });
}

function drainageDetailPdf(): Promise<Buffer> {
  return buildPdf({
    title: 'Harbour Walk Footbridge: Drainage Detail, Revision B',
    author: 'Meera Krishnan',
    subject: 'Note to accompany drawing HW-D-104 revision B',
    date: new Date('2025-03-14T16:50:00+05:30'),
    footer: 'Kaveri Bridgeworks  |  HW-D-104 revision B  |  14 March 2025',
    pages: [
      [
        { kind: 'title', text: 'Harbour Walk Footbridge: Drainage Detail, Revision B' },
        { kind: 'small', text: 'Note to accompany drawing HW-D-104 revision B. Prepared by Meera Krishnan, checked by Arjun Ramesh, 14 March 2025.' },
        { kind: 'heading', text: 'Changes from revision A' },
        {
          kind: 'bullets',
          items: [
            'Silt trap added at the Beach Road tie-in: a 600 x 600 mm chamber with a 300 mm sump and a hinged galvanised grate that opens without tools.',
            "Scupper spacing reduced from 1.5 m to 1.2 m over the last two bays before the landward ramp, where the deck's low point sits after precamber and crowd deflection.",
            'Drip tubes extended to 75 mm below the girder flange, so that wind-blown water does not track back onto the steel.',
          ],
        },
        { kind: 'heading', text: 'Accessibility' },
        {
          kind: 'paragraph',
          text: 'The 2.5% cross-fall is across the deck, at right angles to the direction of travel. The running gradient of the landward ramp is unchanged at 1:20 (5%), and its cross-fall is 1.5%. Neither value changes from the approved concept.',
        },
        { kind: 'heading', text: 'Design storm' },
        {
          kind: 'paragraph',
          text: 'Scuppers and the channel drain are sized for a rainfall intensity of 100 mm/hour, with the scuppers of the last two bays assumed to be half blocked by leaves. The peak flow to the Beach Road line is 4.1 litres per second.',
        },
        { kind: 'heading', text: 'Maintenance' },
        {
          kind: 'paragraph',
          text: 'Clear the silt trap before the northeast monsoon and after any storm above 50 mm in a day. Everything on this detail can be reached from the deck or the ramp; nothing needs a boat or scaffolding.',
        },
      ],
    ],
  });
}

function talkDocx(): Promise<Buffer> {
  return buildDocx({
    title: 'Footbridges that breathe',
    creator: 'Meera Krishnan',
    description: 'Talk given at the Chennai Young Engineers Forum, 22 February 2025',
    date: new Date('2025-02-20T21:45:00+05:30'),
    blocks: [
      { kind: 'title', text: 'Footbridges that breathe: small crossings for a monsoon city' },
      { kind: 'paragraph', text: 'Talk given at the Chennai Young Engineers Forum, 22 February 2025. Speaker notes, more or less as delivered.', italic: true },
      { kind: 'heading', text: 'Why small bridges' },
      {
        kind: 'paragraph',
        text: 'Good evening, everyone. I want to talk about the least glamorous bridges in the city: the ones that are 20 or 30 metres long, carry people instead of lorries, and never make it onto a postcard. I have spent most of my career on bridges like these, and I think they are where an engineer can do the most good for the least money.',
      },
      {
        kind: 'paragraph',
        text: 'A six-lane flyover changes how fast you get to the airport. A footbridge over a creek changes whether a ten-year-old walks to school along a road with no pavement, or crosses in five minutes. When my niece asked me what I build, I told her: shortcuts. She was not impressed. But that is the job.',
      },
      { kind: 'heading', text: 'Water first, then everything else' },
      {
        kind: 'paragraph',
        text: 'In Chennai, the structure is rarely what fails first. Water is. Blocked drains, ponding on the deck, rust starting where a pipe leaked for three monsoons and nobody could reach it. So on every project I ask the same question before I size a single beam: where does the water go, and how fast does it leave?',
      },
      {
        kind: 'bullets',
        items: [
          'Fall the deck generously. Two and a half percent feels steep on a drawing and flat underfoot.',
          'Get the water off the bridge close to where it lands. Scuppers and drip tubes, not long pipe runs.',
          'Never hide a drain where a person with a ladder cannot reach it.',
          'Assume every drain will be half blocked by leaves on the worst night of the year.',
        ],
      },
      { kind: 'heading', text: 'Bridges that people trust' },
      {
        kind: 'paragraph',
        text: 'The second thing I care about is how a bridge feels. People walk at roughly two steps a second, and if your bridge likes to vibrate at two cycles a second, a crowd will find out. It will not fall down. But people will feel it move, and a bridge that moves is a bridge people stop trusting. Keep the first vertical frequency above three hertz if you can, and check the lateral one too.',
      },
      {
        kind: 'paragraph',
        text: 'I once got this slightly wrong. On a 28-metre bridge near a temple, the frequency was fine for normal traffic, but during the festival the crowd was so dense that the lateral sway became noticeable. We fitted a small damper, and it has been fine since. I tell this story because young engineers should hear that we all make mistakes, and that the answer is to measure, admit it, and fix it.',
      },
      { kind: 'heading', text: 'Design for the person who maintains it' },
      {
        kind: 'paragraph',
        text: 'Finally: the person who will look after your bridge is probably not an engineer. It is someone from the ward office with a broom, a spanner and forty other jobs. If your bearing needs a specialist, a crane and a closure, it will not be inspected. Make the important things visible, reachable and boring.',
      },
      { kind: 'heading', text: 'Questions I was asked' },
      {
        kind: 'table',
        rows: [
          ['Question', 'Short answer'],
          ['Steel or concrete for a 30 m footbridge?', 'Steel box or weathering steel, usually. Light on soft ground, quick to erect, and easy to inspect if you keep it simple.'],
          ['Is timber realistic here?', 'For short spans in shade, yes, if you detail for drying. In the salt zone I would not.'],
          ['What do you do on weekends?', 'Cycle, drink too much filter coffee, and look at other people\u2019s bridge bearings.'],
        ],
      },
      { kind: 'paragraph', text: 'Thank you. நன்றி.' },
    ],
  });
}

function boreholeSummaryDocx(): Promise<Buffer> {
  return buildDocx({
    title: 'Adyar Creek Footbridge: Borehole Summary BH-1 to BH-3',
    creator: 'Tom Okafor',
    description: 'Okafor Geotechnical Consultants, report OG-2025-014, summary logs',
    date: new Date('2025-03-03T17:20:00+05:30'),
    blocks: [
      { kind: 'title', text: 'Adyar Creek Footbridge: Borehole Summary' },
      { kind: 'paragraph', text: 'Okafor Geotechnical Consultants. Report OG-2025-014, summary of boreholes BH-1 to BH-3, drilled 10 to 21 February 2025. Final report to follow.', italic: true },
      { kind: 'heading', text: 'Summary logs' },
      {
        kind: 'table',
        rows: [
          ['Borehole', 'Location', 'Depth (m)', 'Strata', 'SPT N', 'Groundwater'],
          ['BH-1', 'East abutment', '15.0', 'Fill to 0.8 m; soft marine clay to 7.6 m; medium-dense silty sand below', '2 to 4 in clay; 18 to 26 in sand', '1.2 m'],
          ['BH-2', 'East bank, 12 m inland', '12.0', 'Fill to 1.1 m; soft clay to 7.2 m; silty sand below', '3 to 5 in clay; 20 in sand', '1.3 m'],
          ['BH-3', 'West abutment', '8.0', 'Sandy fill to 0.6 m; stiff sandy clay to 2.8 m; weathered rock below', '12 to 15; refusal at 3.1 m', '1.2 m'],
        ],
      },
      { kind: 'heading', text: 'Preliminary recommendations' },
      {
        kind: 'bullets',
        items: [
          'East abutment: bored piles founded in the silty sand below 9 m. A raft on the soft clay is not recommended.',
          'Allow for negative skin friction if more than 1 m of fill is placed behind the east abutment.',
          'West abutment: spread footing on weathered rock is feasible at about 3 m below existing ground.',
          'Groundwater levels were measured in February and will rise during the northeast monsoon.',
        ],
      },
      { kind: 'paragraph', text: 'Prepared by Tom Okafor, Principal Geotechnical Engineer.' },
    ],
  });
}

function boreholeLogsEmail(attachment: Buffer): Buffer {
  return buildMimeMessage({
    boundary: '000000000000a1b2c3d4e5f60718',
    headers: [
      ['Message-ID', '<CAOK4tom-20250304-0912@mail.okafor-geotech.example>'],
      ['Date', 'Tue, 4 Mar 2025 09:12:27 +0530'],
      ['From', 'Tom Okafor <tom@okafor-geotech.example>'],
      ['To', 'Meera Krishnan <meera@kaveri-bridgeworks.example>'],
      ['Cc', 'Arjun Ramesh <arjun@kaveri-bridgeworks.example>'],
      ['Subject', '=?UTF-8?Q?Adyar_Creek_footbridge_=E2=80=94_borehole_logs?='],
    ],
    text: `Hi Meera,

Attached are the summary logs for BH-1 to BH-3 at the Adyar Creek
crossing. Short version: soft marine clay down to about 7.5 m on the east
bank, then medium-dense silty sand. The west bank is better: weathered
rock at 2.8 m in BH-3.

Groundwater was at 1.2 m below existing ground in all three holes, and
that was in February, so expect it higher once the northeast monsoon sets
in.

I'd lean towards bored piles on the east abutment rather than a raft.
Happy to talk it through before you commit to anything.

Regards,
Tom

--
Tom Okafor
Principal Geotechnical Engineer
Okafor Geotechnical Consultants
Plot 14, Industrial Estate Road, Guindy, Chennai 600 000
+91 44 5550 0142 | tom@okafor-geotech.example
`,
    attachments: [{ filename: 'BH-1-to-BH-3-summary.docx', contentType: DOCX_TYPE, content: attachment }],
  });
}

function drainageDetailEmail(attachment: Buffer): Buffer {
  return buildMimeMessage({
    boundary: 'kb-mixed-20250314-1715',
    headers: [
      ['Message-ID', '<kb-20250314-1715-meera@kaveri-bridgeworks.example>'],
      ['In-Reply-To', '<SY4PR01MB6123A1B2C3D4E5F6A7B8C9D0E1F2@SY4PR01MB6123.harbourcouncil.example>'],
      [
        'References',
        '<kb-20250310-1605-meera@kaveri-bridgeworks.example>\r\n <SY4PR01MB6123A1B2C3D4E5F6A7B8C9D0E1F2@SY4PR01MB6123.harbourcouncil.example>',
      ],
      ['Date', 'Fri, 14 Mar 2025 17:15:09 +0530'],
      ['From', 'Meera Krishnan <meera@kaveri-bridgeworks.example>'],
      ['To', 'Daniel Pereira <d.pereira@harbourcouncil.example>'],
      ['Cc', 'Arjun Ramesh <arjun@kaveri-bridgeworks.example>, Stormwater Operations <stormwater@harbourcouncil.example>'],
      ['Subject', '=?UTF-8?Q?Harbour_Walk_footbridge_=E2=80=94_drainage_detail=2C_revision_B?='],
    ],
    text: `Hi Daniel,

Please find attached revision B of the drainage detail for the Harbour
Walk footbridge.

What changed since the proposal:

- A silt trap at the Beach Road tie-in, with a hinged grate that opens
  without tools. Your maintenance team should not need to call us.
- Scupper spacing reduced to 1.2 m over the last two bays before the
  landward ramp. That is where the water collects once the deck deflects.
- The cross-fall stays at 2.5% across the deck. The ramp's running
  gradient is unchanged at 1:20, so accessibility is not affected. The
  note explains this under "Accessibility".

This should be everything the April committee needs, a week ahead of the
21st. If Stormwater Operations want the silt trap calculations, Arjun can
send them on Monday.

Cheers,
Meera

--
Meera Krishnan | Principal
Kaveri Bridgeworks
12 Riverside Lane, Kotturpuram, Chennai 600 000
+91 44 5550 0198 | kaveri-bridgeworks.example
`,
    attachments: [{ filename: 'harbour-walk-drainage-detail-rev-B.pdf', contentType: 'application/pdf', content: attachment }],
  });
}

function siteVisitMsg(): Buffer {
  return makeMsgFile({
    subject: 'Site visit notes: Harbour Walk, 18 March',
    from: meera,
    to: [daniel],
    cc: [arjun],
    date: new Date('2025-03-18T19:30:00+05:30'),
    messageId: '<kb-20250318-1930-meera@kaveri-bridgeworks.example>',
    body: `Hi Daniel,

Thanks for making time for the walk this morning. Notes, so that we all remember the same thing:

1. Beach Road tie-in: the existing manhole is about 600 mm further south than the survey shows. Arjun will re-survey on Thursday; the silt trap moves with it, nothing else changes.
2. Lighting: your electrical team wants the handrail LED conduit on the landward side. Fine by us. It also keeps it away from the scupper drip line.
3. The fishermen who use the steps at the north end asked for a tap. Not our scope, I know, but a water line costs almost nothing to add now and a lot to add later, so I'd like it on the agenda.

Next milestone is the April committee. Ping me if anything in the pack is unclear.

Cheers,
Meera

--
Meera Krishnan | Principal
Kaveri Bridgeworks
+91 44 5550 0198 | kaveri-bridgeworks.example
`,
  });
}
