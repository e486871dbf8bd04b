// Jump Client installers (JMP-4): the single executable for the chosen platform (or the MSI),
// with this site's address, certificate pin and the deployment key appended, so it installs with
// no options. Refused once the key is forged, expired or used up.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { encodeTrailer } from '../../protocol/embedded-config.ts';
import { JumpPlatform, KeyInfo } from '../../protocol/jump.ts';
import { appRoot } from '../app-root.ts';
import { PasserelleError } from '../errors.ts';
import type { Services } from '../services/index.ts';
import { installerFileNames } from '../services/jump-deployments.ts';
import { siteJumpMsi } from '../services/jump-msi-site.ts';

export const jumpDownloadRoutes: FastifyPluginAsyncZod<{ services: Services; dir?: string }> = async (app, { services, dir }) => {
  const folder = dir ?? join(appRoot().root, 'dist', 'jump');
  // JMP-5: the Jump Client executable itself (no trailer, nothing secret in it), which an
  // offered update downloads; the agent checks its size, SHA-512 and the site's signature.
  app.get('/download/jump-agent/:platform', {
    config: { access: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
    schema: { hide: true, params: z.object({ platform: z.enum(['linux-x64', 'windows-x64']) }).strict() },
  }, async (req, reply) => {
    const file = join(folder, installerFileNames[req.params.platform]);
    if (!existsSync(file)) throw new PasserelleError('not_found', `No Jump Client for ${req.params.platform} is built on this site`);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(statSync(file).size))
      .header('cache-control', 'no-store')
      .send(createReadStream(file));
  });

  app.get('/download/jump/:platform', {
    config: { access: 'public', rateLimit: { max: 60, timeWindow: 60_000 } },
    schema: {
      hide: true,
      params: z.object({ platform: JumpPlatform }).strict(),
      querystring: z.object({ key: KeyInfo }).strict(),
    },
  }, async (req, reply) => {
    const { platform } = req.params;
    const deployment = await services.jumpDeployments.checkDownload(req.query.key);
    if (deployment.platform !== platform) throw new PasserelleError('invalid_deployment_key', `This link is for ${deployment.platform}, not ${platform}`);
    const name = installerFileNames[platform];
    const file = join(folder, name);
    if (!existsSync(file)) throw new PasserelleError('not_found', `The Jump Client installer for ${platform} is not built on this site`);
    // The site address the installed client dials for years: the site's client host name (STA-5),
    // never the Host header of whoever downloaded it (an internal name, or a forged one).
    const site = await services.site.clientBrokerUrl();
    // The MSI carries the site and pin as properties written per site (jump-msi.ts); KEY_INFO is
    // on its command line. The executables read all three from their trailer.
    if (platform === 'windows-x64-msi') {
      const pin = services.certificateFingerprint;
      if (!pin) throw new PasserelleError('not_found', 'The MSI needs the site certificate\'s fingerprint, which this site does not know (behind a TLS proxy?): use the Windows executable');
      const personal = siteJumpMsi(file, site, pin);
      req.log.info({ deployment: deployment.id, platform }, 'jump client installer downloaded');
      return reply
        .header('content-type', 'application/x-msi')
        .header('content-length', String(statSync(personal).size))
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(createReadStream(personal));
    }
    const trailer = encodeTrailer({
      broker: site,
      ...(services.certificateFingerprint ? { pin: services.certificateFingerprint } : {}),
      keyInfo: req.query.key,
    });
    const size = statSync(file).size;
    async function* body() {
      yield* createReadStream(file);
      if (trailer.length > 0) yield Buffer.from(trailer);
    }
    req.log.info({ deployment: deployment.id, platform }, 'jump client installer downloaded');
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(size + trailer.length))
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(body()));
  });
};
