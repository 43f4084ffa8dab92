// The runtime the project supports (ADR 0026): Node 24 LTS or later. npm
// scripts run the pinned Node 24 from node_modules/.bin; this check is for a
// command started some other way (a global vitest, a bare `node`), which would
// otherwise fail later with an error that names something else.

/** The lowest Node major the project runs on (package.json engines.node). */
export const MIN_NODE_MAJOR = 24;

/** "Node v24.22.3", or throws naming the Node found and how to get the right one. */
export function supportedNode(): string {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < MIN_NODE_MAJOR) {
    throw new Error(
      `Node ${process.version} (${process.execPath}) is too old: the project needs Node ${MIN_NODE_MAJOR} or later. ` +
        "Run it through npm (npm start, npm test, npx …), which uses the Node 24 that npm install put in node_modules/.bin.",
    );
  }
  return `Node ${process.version}`;
}
