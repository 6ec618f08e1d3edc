// Interop checks between Vigil and sigstore-js (@sigstore/sign 4.x, @sigstore/verify 3.x).
//   node interop.mjs sign   STATEMENT_JSON PRIVATE_KEY_PEM OUT_BUNDLE
//     Makes a key-signed DSSE bundle (in-toto statement, no transparency log) with @sigstore/sign.
//   node interop.mjs verify BUNDLE PUBLIC_KEY_PEM TRUSTED_ROOT_JSON SHA256_HEX
//     Verifies a key-signed DSSE bundle with @sigstore/verify (its tlog entries against the
//     trusted root) and checks that the statement names the digest. Exit 0 when verified.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { DSSEBundleBuilder } from '@sigstore/sign';
import { bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

const IN_TOTO = 'application/vnd.in-toto+json';

function keyHint(publicKey) {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

async function signCommand(statementFile, privateKeyFile, outFile) {
  const privateKey = createPrivateKey(readFileSync(privateKeyFile));
  const publicKey = createPublicKey(privateKey);
  const signer = {
    sign: async (data) => ({
      signature: sign('sha256', data, privateKey),
      key: {
        $case: 'publicKey',
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }),
        hint: keyHint(publicKey),
      },
    }),
  };
  const builder = new DSSEBundleBuilder({ signer, witnesses: [] });
  const bundle = await builder.create({ data: readFileSync(statementFile), type: IN_TOTO });
  writeFileSync(outFile, JSON.stringify(bundleToJSON(bundle), null, 2));
}

function verifyCommand(bundleFile, publicKeyFile, trustedRootFile, sha256Hex) {
  const bundle = bundleFromJSON(JSON.parse(readFileSync(bundleFile, 'utf8')));
  const publicKey = createPublicKey(readFileSync(publicKeyFile));
  const hint = bundle.verificationMaterial.content.publicKey.hint;
  const keys = {
    [hint]: {
      rawBytes: publicKey.export({ type: 'spki', format: 'der' }),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
    },
  };
  const trust = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(readFileSync(trustedRootFile, 'utf8'))), keys);
  const entries = bundle.verificationMaterial.tlogEntries.length;
  const verifier = new Verifier(trust, {
    tlogThreshold: entries,
    ctlogThreshold: 0,
    timestampThreshold: entries,
  });
  verifier.verify(toSignedEntity(bundle));
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO) {
    throw new Error(`payload type ${envelope.payloadType}`);
  }
  const statement = JSON.parse(envelope.payload.toString('utf8'));
  if (!statement.subject.some((s) => s.digest.sha256 === sha256Hex)) {
    throw new Error(`statement names no subject with sha256:${sha256Hex}`);
  }
  console.log(`verified by sigstore-js: ${entries} tlog entries, subject sha256:${sha256Hex}`);
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'sign' && args.length === 3) {
    await signCommand(...args);
  } else if (command === 'verify' && args.length === 4) {
    verifyCommand(...args);
  } else {
    console.error('usage: interop.mjs sign STATEMENT KEY OUT | verify BUNDLE KEY ROOT SHA256');
    process.exit(2);
  }
} catch (e) {
  console.error(`not verified: ${e.message}${e.fields ? ` (${e.fields.join(", ")})` : ""}`);
  process.exit(1);
}
