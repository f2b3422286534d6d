// client.js: a node-opcua client, the third-party peer of the Sightglass
// OPC UA gateway's tests (gateway/nodeopcua_test.go).
//
//   node client.js ENDPOINT NODEID [SECONDS] [DEPTH]
//
// Connects with security None and an anonymous session (what the gateway
// offers), then prints one JSON line per event on stdout:
//   {"event":"connected"}
//   {"event":"browse","parent":..,"browseName":..,"nodeId":..,"nodeClass":..}
//       the tree under Objects, DEPTH levels (default 3), leaving out
//       namespace 0's own objects (Server)
//   {"event":"read","nodeId":..,"value":..,"dataType":..,"status":..,
//       "sourceTimestamp":..,"serverTimestamp":..}
//   {"event":"subscribed"}  then {"event":"change","value":..,"status":..,
//       "sourceTimestamp":..} for each data change, for SECONDS (default 5)
//       or until a line arrives on stdin
//   {"event":"write","status":..}  writing the value read back to NODEID
//   {"event":"done"}
// NODEID is a NodeId string (ns=2;s=A.B) or, since a server numbers its
// namespaces as it likes, nsu=URI;s=A.B, looked up in the NamespaceArray.
// Errors go to stderr and give exit status 1.
"use strict";
const readline = require("readline");
const {
  OPCUAClient, MessageSecurityMode, SecurityPolicy, AttributeIds, TimestampsToReturn,
  ClientSubscription, ClientMonitoredItem, BrowseDirection, DataType, NodeClass, resolveNodeId,
} = require("node-opcua");

const [endpoint, nodeArg] = process.argv.slice(2, 4);
const seconds = Number(process.argv[4] || 5);
const depth = Number(process.argv[5] || 3);
if (!endpoint || !nodeArg) {
  console.error("usage: node client.js ENDPOINT NODEID [SECONDS] [DEPTH]");
  process.exit(2);
}

const print = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const jsonValue = (v) => (typeof v === "bigint" ? v.toString() : v);
const dv2json = (dv) => ({
  value: dv.value ? jsonValue(dv.value.value) : null,
  dataType: dv.value ? DataType[dv.value.dataType] : null,
  status: dv.statusCode.name,
  sourceTimestamp: dv.sourceTimestamp ? dv.sourceTimestamp.toISOString() : null,
  serverTimestamp: dv.serverTimestamp ? dv.serverTimestamp.toISOString() : null,
});

// stdinLine resolves at the next line on stdin (or its end).
const lines = readline.createInterface({ input: process.stdin });
const waiting = [];
lines.on("line", () => waiting.splice(0).forEach((f) => f()));
lines.on("close", () => waiting.splice(0).forEach((f) => f()));
const stdinLine = () => new Promise((resolve) => waiting.push(resolve));

async function resolveNode(session, s) {
  const m = /^nsu=([^;]+);(.*)$/.exec(s);
  if (!m) return resolveNodeId(s);
  const dv = await session.read({ nodeId: "i=2255", attributeId: AttributeIds.Value }); // Server_NamespaceArray
  const ns = dv.value.value.indexOf(m[1]);
  if (ns < 0) throw new Error(`namespace ${m[1]} not in ${JSON.stringify(dv.value.value)}`);
  return resolveNodeId(`ns=${ns};${m[2]}`);
}

async function browse(session, nodeId, level) {
  const res = await session.browse({
    nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: "HierarchicalReferences",
    includeSubtypes: true, nodeClassMask: 0, resultMask: 63,
  });
  for (const r of res.references || []) {
    if (r.nodeId.namespace === 0) continue;
    print({
      event: "browse", parent: nodeId.toString(), browseName: r.browseName.name,
      nodeId: r.nodeId.toString(), nodeClass: NodeClass[r.nodeClass],
    });
    if (level > 1 && r.nodeClass === NodeClass.Object) await browse(session, r.nodeId, level - 1);
  }
}

async function main() {
  const client = OPCUAClient.create({
    applicationName: "node-opcua test client",
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    requestedSessionTimeout: 60000,
  });
  await client.connect(endpoint);
  const session = await client.createSession();
  print({ event: "connected" });

  await browse(session, resolveNodeId("ObjectsFolder"), depth);

  const nodeId = await resolveNode(session, nodeArg);
  const dv = await session.read({ nodeId, attributeId: AttributeIds.Value }, 0);
  print({ event: "read", nodeId: nodeId.toString(), ...dv2json(dv) });

  const sub = ClientSubscription.create(session, {
    requestedPublishingInterval: 50, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20,
    maxNotificationsPerPublish: 100, publishingEnabled: true, priority: 1,
  });
  const item = ClientMonitoredItem.create(sub, { nodeId, attributeId: AttributeIds.Value },
    { samplingInterval: 50, discardOldest: true, queueSize: 10 }, TimestampsToReturn.Both);
  item.on("changed", (d) => print({ event: "change", ...dv2json(d) }));
  await new Promise((resolve, reject) => {
    item.once("initialized", resolve);
    item.once("err", (msg) => reject(new Error(`monitored item: ${msg}`)));
  });
  print({ event: "subscribed" });
  let timer;
  await Promise.race([stdinLine(), new Promise((resolve) => { timer = setTimeout(resolve, seconds * 1000); })]);
  clearTimeout(timer);
  await sub.terminate();

  const value = dv.value && dv.value.dataType !== DataType.Null ? dv.value : { dataType: DataType.Double, value: 99 };
  const st = await session.write({ nodeId, attributeId: AttributeIds.Value, value: { value } });
  print({ event: "write", status: st.name });

  await session.close();
  await client.disconnect();
  print({ event: "done" });
  process.exit(0);
}

main().catch((err) => {
  console.error("client.js:", err && err.message ? err.message : err);
  process.exit(1);
});
