/** Raw RFC 5322 messages for tests, written by hand so every header is under the test's control. */
export interface EmailOptions {
  from?: string;
  to?: string;
  subject?: string;
  date?: string;
  messageId?: string;
  inReplyTo?: string;
  body: string;
  html?: string;
  /** Extra lines appended to the header block. */
  headers?: string[];
  lineEnding?: '\n' | '\r\n';
}

export function makeEmail(options: EmailOptions): string {
  const headers = [
    `From: ${options.from ?? 'Meera Krishnan <meera@kaveri-bridgeworks.example>'}`,
    `To: ${options.to ?? 'Tom Okafor <tom@kaveri-bridgeworks.example>'}`,
    `Subject: ${options.subject ?? 'Footbridge drainage'}`,
    `Date: ${options.date ?? 'Tue, 04 Mar 2025 10:15:00 +0530'}`,
    ...(options.messageId === '' ? [] : [`Message-ID: <${options.messageId ?? 'drainage-1@kaveri-bridgeworks.example'}>`]),
    ...(options.inReplyTo ? [`In-Reply-To: <${options.inReplyTo}>`, `References: <${options.inReplyTo}>`] : []),
    'MIME-Version: 1.0',
    ...(options.headers ?? []),
  ];
  let message: string;
  if (options.html) {
    const boundary = 'b1_alternative';
    message = [
      ...headers,
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      options.body,
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      '',
      options.html,
      `--${boundary}--`,
      '',
    ].join('\n');
  } else {
    message = [...headers, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', options.body, ''].join('\n');
  }
  return options.lineEnding === '\r\n' ? message.replace(/\r?\n/g, '\r\n') : message;
}

/** mboxrd: a "From " separator line before each message, body lines starting with ">*From " get one more ">". */
export function makeMbox(messages: string[]): string {
  return messages
    .map((message) => {
      const escaped = message.replace(/^(>*From )/gm, '>$1');
      return `From sender@example.com Tue Mar  4 10:15:00 2025\n${escaped.endsWith('\n') ? escaped : `${escaped}\n`}\n`;
    })
    .join('');
}
