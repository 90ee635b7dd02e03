/**
 * A self-signed certificate for the simulated storefronts (www.amazon.com, amazon.de, …, localhost,
 * 127.0.0.1), so a browser mapped to the simulator with --host-resolver-rules can load HSTS-preloaded
 * domains over HTTPS (with --ignore-certificate-errors, or trusting the returned certificate).
 */
import { generate } from 'selfsigned';
import { type MarketplaceCode, getMarketplace } from '../config/index.js';

/** A PEM certificate and its private key. */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

/** Generates a certificate valid for a year for every served storefront's domains. */
export async function selfSignedCertificate(marketplaces: readonly MarketplaceCode[]): Promise<TlsMaterial> {
  const names = new Set<string>(['localhost']);
  for (const code of marketplaces) {
    const domain = getMarketplace(code).domain;
    names.add(domain);
    names.add(`www.${domain}`);
    names.add(`*.${domain}`);
  }
  const notBeforeDate = new Date(Date.now() - 86_400_000);
  const notAfterDate = new Date(Date.now() + 365 * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'www.amazon.com' }, { name: 'organizationName', value: 'Dromedary simulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...[...names].map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
