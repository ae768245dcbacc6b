// Signs a development token for any role, with AUTH_JWT_SECRET (the development default when unset):
//   node deploy/local/sign-token.js <role> <member id> [name]     e.g.  senior m-senior-li 李工
// Prints the JWT (HS256, claims sub, role, name; valid TOKEN_TTL, default 12h). Also used by demo-data.js.
'use strict';
const { SignJWT } = require('jose');

// as libs/service-kit (DEV_JWT_SECRET): what every service accepts when NODE_ENV is development or test
const DEV_JWT_SECRET = 'dev-only-secret-do-not-use-in-production';
const ROLES = ['lead', 'senior', 'agent', 'contractor', 'intake', 'analyst', 'service'];

function secret() {
  return process.env.AUTH_JWT_SECRET || DEV_JWT_SECRET;
}

/** a token for { id, role, name? }, signed with the secret the local services use */
async function signToken(member, ttl = process.env.TOKEN_TTL || '12h') {
  return new SignJWT({ role: member.role, ...(member.name ? { name: member.name } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(member.id)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(secret()));
}

module.exports = { DEV_JWT_SECRET, ROLES, secret, signToken };

if (require.main === module) {
  const [role, id, name] = process.argv.slice(2);
  if (!ROLES.includes(role) || !id) {
    console.error(`usage: node deploy/local/sign-token.js <role> <member id> [name]\n  role: one of ${ROLES.join(', ')}`);
    process.exit(2);
  }
  signToken({ id, role, name }).then((token) => console.log(token));
}
