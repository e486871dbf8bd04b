// JMP-7: emails a deployment's installer link to one or more recipients through the site's SMTP
// settings (nodemailer). Several recipients may install from the same link until it runs out.
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { DeploymentView } from '../../protocol/jump.ts';
import { PasserelleError } from '../errors.ts';
import type { SmtpSettings } from './site.ts';

export interface SmtpSettingsSource {
  smtp(): Promise<SmtpSettings>;
}

const texts = {
  en: {
    subject: 'Install the remote support client',
    body: (d: DeploymentView, sender: string, note: string) =>
      `${sender} asks you to install the Passerelle Jump Client on this computer, so that support can reach it later.\n\n` +
      (note ? `${note}\n\n` : '') +
      `Download the installer (${d.platform}):\n${d.downloadUrl}\n\n` +
      `The link can be used ${d.maxInstalls - d.installs} more time(s), until ${d.expiresAt}.\n`,
  },
  fr: {
    subject: "Installez le client d'assistance à distance",
    body: (d: DeploymentView, sender: string, note: string) =>
      `${sender} vous demande d'installer le Jump Client Passerelle sur cet ordinateur, pour que l'assistance puisse y accéder plus tard.\n\n` +
      (note ? `${note}\n\n` : '') +
      `Téléchargez le programme d'installation (${d.platform}) :\n${d.downloadUrl}\n\n` +
      `Le lien peut encore servir ${d.maxInstalls - d.installs} fois, jusqu'au ${d.expiresAt}.\n`,
  },
};

export class JumpMailer {
  constructor(
    private readonly settings: SmtpSettingsSource,
    private readonly log: Logger,
  ) {}

  async send(d: DeploymentView, recipients: string[], sender: string, note = '', language: 'en' | 'fr' = 'en'): Promise<string[]> {
    const smtp = await this.settings.smtp();
    if (!smtp.host || !smtp.from) throw new PasserelleError('email_failed', 'Outgoing mail is not set up on this site: an administrator sets the SMTP server first');
    const transport = nodemailer.createTransport({
      host: smtp.host.split(':')[0],
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password } } : {}),
      tls: { rejectUnauthorized: !smtp.allowInvalidCertificate },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    const t = texts[language];
    const unique = [...new Set(recipients.map((r) => r.trim().toLowerCase()))];
    try {
      const info = await transport.sendMail({ from: smtp.from, to: smtp.from, bcc: unique, subject: t.subject, text: t.body(d, sender, note) });
      this.log.info({ deployment: d.id, recipients: unique.length, messageId: info.messageId }, 'jump client installer emailed');
      return unique;
    } catch (err) {
      this.log.warn({ err, deployment: d.id }, 'emailing a jump client installer failed');
      throw new PasserelleError('email_failed', `The mail server refused the message: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      transport.close();
    }
  }
}
