// Runs one operation ("up", "preview" or "destroy") of stack dev of project
// orders through the Node.js Automation API, with the README's TypeScript
// program (compiled to out/index.js in the working directory, the project)
// as its inline program, and prints what happened as JSON: the engine
// events, the outputs of an up and the error of a failed operation.
//
//   node automation.js OP CONFIG.json
//
// CONFIG.json maps config keys to values, set before the operation as
// `pulumi config set` sets them. The CLI is $BERTH_CLI_ROOT/bin/pulumi.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { LocalWorkspace, PulumiCommand } = require("@pulumi/pulumi/automation");

async function main() {
    const [op, configFile] = process.argv.slice(2);
    const project = process.cwd();
    const file = path.join(project, "out", "index.js");
    // The program module runs again on every operation: Node would
    // otherwise return the first run's exports from its module cache.
    const program = async () => {
        delete require.cache[require.resolve(file)];
        return { ...require(file) };
    };
    const pulumiCommand = await PulumiCommand.get({ root: process.env.BERTH_CLI_ROOT, skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "dev", projectName: "orders", program },
        {
            workDir: project,
            pulumiCommand,
            secretsProvider: "passphrase",
            projectSettings: { name: "orders", runtime: "nodejs", backend: { url: process.env.PULUMI_BACKEND_URL } },
        },
    );
    const config = JSON.parse(fs.readFileSync(configFile, "utf8"));
    await stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])));
    const events = [];
    const onEvent = (e) => events.push(e);
    const result = { events };
    try {
        switch (op) {
            case "up": {
                const r = await stack.up({ onEvent });
                result.outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value]));
                break;
            }
            case "preview":
                await stack.preview({ onEvent, expectNoChanges: true });
                break;
            case "destroy":
                await stack.destroy({ onEvent });
                break;
            default:
                throw new Error(`unknown operation ${op}`);
        }
    } catch (e) {
        result.error = String((e && e.message) || e);
    }
    process.stdout.write(JSON.stringify(result));
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
