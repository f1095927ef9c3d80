// A real OpenID Connect provider for the browser tests: the npm package
// oauth2-mock-server on loopback, plus a tiny control endpoint with which a
// test says who the next person to sign in is.
import { OAuth2Server } from 'oauth2-mock-server';
import http from 'node:http';

const port = Number(process.env.OIDC_PORT ?? 3190);
const controlPort = Number(process.env.OIDC_CONTROL_PORT ?? 3191);

let nextUser = { sub: 'e2e-user-1', email: 'kim@example.com', name: 'Kim Dev', preferred_username: 'kimdev' };

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on('beforeTokenSigning', (token) => {
  Object.assign(token.payload, {
    sub: nextUser.sub,
    email: nextUser.email,
    email_verified: true,
    name: nextUser.name,
    preferred_username: nextUser.preferred_username,
  });
});
await server.start(port, '127.0.0.1');
// The issuer must be exactly what the app is configured with (it checks).
server.issuer.url = `http://127.0.0.1:${port}`;

http
  .createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.end('ok');
      return;
    }
    if (req.method === 'POST' && req.url === '/next-user') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        nextUser = JSON.parse(body);
        res.end('ok');
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  })
  .listen(controlPort, '127.0.0.1');

console.log(`OIDC provider at ${server.issuer.url}, control on ${controlPort}`);
