// (b) TypeScript/Node cdk8s-plus-27 building the same workloads, with the same object count.
//     node bench/node/plus.mjs DOCS.json OUTDIR
// Deployments, Jobs, CronJobs, Services and ConfigMaps are cdk8s-plus objects made from the
// library's documents (image, command, env, resources, ports); every other kind, and any
// object cdk8s-plus has no class for, is a raw ApiObject. Shown for context, not compared byte
// for byte: cdk8s-plus writes its own defaults.
import { readFileSync } from 'node:fs';
import { ApiObject, App, Chart, Cron, Duration, Size, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

const [docsFile, outdir] = process.argv.slice(2);
const environments = JSON.parse(readFileSync(docsFile, 'utf8'));
const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });

function container(spec) {
  const c = spec.containers[0];
  const env = {};
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = kplus.EnvValue.fromValue(e.value);
  return {
    name: c.name,
    image: c.image,
    command: c.command,
    args: c.args,
    envVariables: env,
    portNumber: c.ports?.[0]?.containerPort,
    securityContext: { user: 10001, group: 10001, ensureNonRoot: true, readOnlyRootFilesystem: true },
    resources: {
      cpu: { request: kplus.Cpu.millis(100) },
      memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
    },
  };
}

let objects = 0;
for (const [name, docs] of Object.entries(environments)) {
  const chart = new Chart(app, name);
  docs.forEach((doc, index) => {
    const id = String(index);
    const metadata = { name: doc.metadata.name, namespace: doc.metadata.namespace, labels: doc.metadata.labels };
    const pod = doc.spec?.template?.spec ?? doc.spec?.jobTemplate?.spec?.template?.spec;
    if (doc.kind === 'Deployment') {
      new kplus.Deployment(chart, id, { metadata, replicas: doc.spec.replicas, containers: [container(pod)], automountServiceAccountToken: false });
    } else if (doc.kind === 'Job') {
      new kplus.Job(chart, id, { metadata, containers: [container(pod)], backoffLimit: doc.spec.backoffLimit, automountServiceAccountToken: false });
    } else if (doc.kind === 'CronJob') {
      new kplus.CronJob(chart, id, { metadata, schedule: Cron.schedule(cronFields(doc.spec.schedule)), containers: [container(pod)], automountServiceAccountToken: false });
    } else if (doc.kind === 'Service' && doc.spec.type !== 'ExternalName' && doc.spec.clusterIP !== 'None') {
      new kplus.Service(chart, id, { metadata, selector: undefined, ports: doc.spec.ports.map((p) => ({ name: p.name, port: p.port, targetPort: typeof p.targetPort === 'number' ? p.targetPort : undefined })) });
    } else if (doc.kind === 'ConfigMap') {
      new kplus.ConfigMap(chart, id, { metadata, data: doc.data });
    } else {
      new ApiObject(chart, id, doc);
    }
    objects += 1;
  });
}
app.synth();
console.log(JSON.stringify({ objects }));

function cronFields(schedule) {
  const [minute, hour, day, month, weekDay] = schedule.split(' ');
  return { minute, hour, day, month, weekDay };
}
