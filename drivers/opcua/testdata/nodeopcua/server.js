// server.js: a node-opcua server, the third-party peer of the Sightglass
// OPC UA client driver's security tests (drivers/opcua/nodeopcua_test.go).
//
//   node server.js PORT PKIDIR
//
// Listens on 127.0.0.1:PORT (0: any free port) with every endpoint of
// SecurityPolicy None, Basic256Sha256, Aes128_Sha256_RsaOaep and
// Aes256_Sha256_RsaPss × Sign, SignAndEncrypt; anonymous, user name
// (USER/PASSWORD below, or $NODEOPCUA_USER / $NODEOPCUA_PASSWORD) and X509
// identities. Its PKI lives in PKIDIR/server (application certificates)
// and PKIDIR/user (X509 user certificates); both trust any certificate
// they do not know, so the client's need not be copied in first.
// Prints "READY <port>" on stdout once listening, then a JSON line
// "SESSION {policy, mode, token, user}" per activated session; stops on SIGTERM or
// when stdin closes (the test process went away).
//
// Variables, all writable, under ns=1 with string NodeIds:
//   ns=1;s=Demo.Double   Double  1.5
//   ns=1;s=Demo.Int32    Int32   42
//   ns=1;s=Demo.Boolean  Boolean true
//   ns=1;s=Demo.String   String  "hello"
//   ns=1;s=Demo.Counter  Int32   counts up every 100 ms
"use strict";
const path = require("path");
const {
  OPCUAServer, OPCUACertificateManager, SecurityPolicy, MessageSecurityMode,
  DataType, Variant, StatusCodes, nodesets,
} = require("node-opcua");

const port = Number(process.argv[2] || process.env.NODEOPCUA_PORT || 0);
const pkiDir = process.argv[3] || process.env.NODEOPCUA_PKI;
const user = process.env.NODEOPCUA_USER || "operator";
const password = process.env.NODEOPCUA_PASSWORD || "s3cret-pass";
if (!pkiDir) {
  console.error("usage: node server.js PORT PKIDIR");
  process.exit(2);
}

async function main() {
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: path.join(pkiDir, "server"),
    automaticallyAcceptUnknownCertificate: true,
  });
  const userCertificateManager = new OPCUACertificateManager({
    rootFolder: path.join(pkiDir, "user"),
    automaticallyAcceptUnknownCertificate: true,
  });
  const server = new OPCUAServer({
    port,
    host: "127.0.0.1",
    hostname: "127.0.0.1",
    resourcePath: "/sightglass-test",
    nodeset_filename: [nodesets.standard],
    serverCertificateManager,
    userCertificateManager,
    securityPolicies: [
      SecurityPolicy.None,
      SecurityPolicy.Basic256Sha256,
      SecurityPolicy.Aes128_Sha256_RsaOaep,
      SecurityPolicy.Aes256_Sha256_RsaPss,
    ],
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: true,
    userManager: { isValidUser: (u, p) => u === user && p === password },
    disableDiscovery: false,
  });
  await server.initialize();

  const addressSpace = server.engine.addressSpace;
  const ns = addressSpace.getOwnNamespace(); // ns=1
  const folder = ns.addFolder(addressSpace.rootFolder.objects, { nodeId: "s=Demo", browseName: "Demo" });
  const vars = {};
  const add = (name, dataType, value) => {
    vars[name] = ns.addVariable({
      componentOf: folder,
      nodeId: "s=Demo." + name,
      browseName: name,
      dataType,
      minimumSamplingInterval: 50,
      accessLevel: "CurrentRead | CurrentWrite",
      userAccessLevel: "CurrentRead | CurrentWrite",
      value: new Variant({ dataType, value }),
    });
  };
  add("Double", DataType.Double, 1.5);
  add("Int32", DataType.Int32, 42);
  add("Boolean", DataType.Boolean, true);
  add("String", DataType.String, "hello");
  add("Counter", DataType.Int32, 0);
  let n = 0;
  const timer = setInterval(() => {
    n = (n + 1) % 2147483647;
    vars.Counter.setValueFromSource(new Variant({ dataType: DataType.Int32, value: n }), StatusCodes.Good);
  }, 100);

  // One line per activated session, for the tests to see what the
  // server saw: the channel's security and the identity token.
  server.on("session_activated", (session, token) => {
    const ch = session.channel || {};
    console.log("SESSION " + JSON.stringify({
      policy: String(ch.securityPolicy || "").replace(/^.*#/, ""),
      mode: MessageSecurityMode[ch.securityMode],
      token: token ? token.constructor.name : "",
      user: (token && token.userName) || "",
    }));
  });

  await server.start();
  const actual = server.endpoints[0].port;
  process.stdout.write(`READY ${actual}\n`);

  const stop = async () => {
    clearInterval(timer);
    await server.shutdown(0);
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop);
  process.stdin.resume();
}

main().catch((err) => {
  console.error("server.js:", err);
  process.exit(1);
});
