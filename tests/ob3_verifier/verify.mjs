// Verify an elsx Open Badges 3.0 credential with Digital Bazaar's verifier stack, offline:
// contexts come from local files and npm packages; only URLs under the issuer's base (the test
// server) are fetched. Usage: node verify.mjs CREDENTIAL.json BASE_URL
// Prints {verified, error, status: {verified, revoked, error}} as JSON on stdout.
import {readFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import multikeyContext from '@digitalbazaar/multikey-context';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '..', '..', 'elsx', 'credentials', 'contexts');
const [credentialPath, base] = process.argv.slice(2);

const local = new Map([
  ['https://www.w3.org/ns/credentials/v2', credentialsContext.contexts.get('https://www.w3.org/ns/credentials/v2')],
  [multikeyContext.CONTEXT_URL, multikeyContext.CONTEXT],
]);
for(const [url, file] of [
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'context-3.0.3.json'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/extensions.json', 'ob-v3p0-extensions.json'],
]) {
  local.set(url, JSON.parse(await readFile(join(contextsDir, file), 'utf8')));
}

const fetched = [];
async function documentLoader(url) {
  if(local.has(url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(local.get(url))};
  }
  if(base && url.startsWith(base + '/')) {
    const response = await fetch(url.split('#')[0], {headers: {accept: 'application/ld+json, application/json'}});
    if(!response.ok) {
      throw new Error(`${url}: HTTP ${response.status}`);
    }
    fetched.push(url);
    let document = await response.json();
    const fragment = url.includes('#') ? url : null;
    if(fragment && Array.isArray(document.verificationMethod)) {
      document = document.verificationMethod.find(m => m.id === url) || document;
    }
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`refusing to load ${url} (offline verifier)`);
}

const credential = JSON.parse(await readFile(credentialPath, 'utf8'));
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
// The top-level `verified` does not say "revoked": read the status result itself.
const status = await checkStatus({credential, suite, documentLoader});
const out = {
  verified: result.verified,
  error: result.error ? String(result.error.message || result.error) +
    (result.error.errors ? ': ' + result.error.errors.map(e => e.message).join('; ') : '') : null,
  status: {
    verified: status.verified,
    revoked: status.results ? status.results.some(r => r.status === true) : null,
    error: status.error ? String(status.error.message) : null,
  },
  fetched,
};
process.stdout.write(JSON.stringify(out) + '\n');
