/**
 * Registry of the spec data: one module per file of Elastic's package-spec (`spec/<type>/<path>`), keyed by our id
 * (`foo.spec.yml` → `foo`, a folder's `spec.yml` → `folder`). Each holds the facts of that file (names, types,
 * enums, patterns, required lists, limits) and its `versions:` patches, without the spec's prose.
 */
import type { SpecFile } from '../engine/types.js';
import f0 from './content/_dev/folder.js';
import f1 from './content/elasticsearch/folder.js';
import f2 from './content/kibana/folder.js';
import f3 from './content/manifest.js';
import f4 from './content/folder.js';
import f5 from './input/_dev/folder.js';
import f6 from './input/_dev/test/config.js';
import f7 from './input/_dev/test/folder.js';
import f8 from './input/manifest.js';
import f9 from './input/folder.js';
import f10 from './integration/_dev/benchmark/deploy/folder.js';
import f11 from './integration/_dev/benchmark/rally.scenario.js';
import f12 from './integration/_dev/benchmark/folder.js';
import f13 from './integration/_dev/benchmark/system.scenario.js';
import f14 from './integration/_dev/build/build.js';
import f15 from './integration/_dev/build/docs/folder.js';
import f16 from './integration/_dev/build/folder.js';
import f17 from './integration/_dev/deploy/agent/custom-agent.js';
import f18 from './integration/_dev/deploy/agent/folder.js';
import f19 from './integration/_dev/deploy/docker/folder.js';
import f20 from './integration/_dev/deploy/k8s/folder.js';
import f21 from './integration/_dev/deploy/folder.js';
import f22 from './integration/_dev/deploy/tf/env.js';
import f23 from './integration/_dev/deploy/tf/files/folder.js';
import f24 from './integration/_dev/deploy/tf/folder.js';
import f25 from './integration/_dev/deploy/variants.js';
import f26 from './integration/_dev/scripts/folder.js';
import f27 from './integration/_dev/shared/folder.js';
import f28 from './integration/_dev/folder.js';
import f29 from './integration/_dev/test/config.js';
import f30 from './integration/_dev/test/folder.js';
import f31 from './integration/agent/folder.js';
import f32 from './integration/changelog.js';
import f33 from './integration/data_stream/_dev/benchmark/pipeline/config.js';
import f34 from './integration/data_stream/_dev/benchmark/pipeline/event.js';
import f35 from './integration/data_stream/_dev/benchmark/pipeline/folder.js';
import f36 from './integration/data_stream/_dev/benchmark/folder.js';
import f37 from './integration/data_stream/_dev/folder.js';
import f38 from './integration/data_stream/_dev/test/config.js';
import f39 from './integration/data_stream/_dev/test/pipeline/common_config.js';
import f40 from './integration/data_stream/_dev/test/pipeline/config_json.js';
import f41 from './integration/data_stream/_dev/test/pipeline/config_raw.js';
import f42 from './integration/data_stream/_dev/test/pipeline/event.js';
import f43 from './integration/data_stream/_dev/test/pipeline/expected.js';
import f44 from './integration/data_stream/_dev/test/pipeline/folder.js';
import f45 from './integration/data_stream/_dev/test/policy/config.js';
import f46 from './integration/data_stream/_dev/test/policy/folder.js';
import f47 from './integration/data_stream/_dev/test/scripts/folder.js';
import f48 from './integration/data_stream/_dev/test/skip.js';
import f49 from './integration/data_stream/_dev/test/folder.js';
import f50 from './integration/data_stream/_dev/test/static/config.js';
import f51 from './integration/data_stream/_dev/test/static/folder.js';
import f52 from './integration/data_stream/_dev/test/system/config.js';
import f53 from './integration/data_stream/_dev/test/system/folder.js';
import f54 from './integration/data_stream/agent/folder.js';
import f55 from './integration/data_stream/fields/fields.js';
import f56 from './integration/data_stream/fields/folder.js';
import f57 from './integration/data_stream/lifecycle.js';
import f58 from './integration/data_stream/manifest.js';
import f59 from './integration/data_stream/routing_rules.js';
import f60 from './integration/data_stream/folder.js';
import f61 from './integration/docs/folder.js';
import f62 from './integration/elasticsearch/pipeline.js';
import f63 from './integration/elasticsearch/folder.js';
import f64 from './integration/elasticsearch/transform/manifest.js';
import f65 from './integration/elasticsearch/transform/folder.js';
import f66 from './integration/elasticsearch/transform/transform.js';
import f67 from './integration/elasticsearch/view.js';
import f68 from './integration/img/folder.js';
import f69 from './integration/kibana/folder.js';
import f70 from './integration/kibana/tags.js';
import f71 from './integration/manifest.js';
import f72 from './integration/folder.js';
import f73 from './integration/validation.js';

export const SPEC_FILES: Readonly<Record<string, SpecFile>> = {
  'content/_dev/folder': f0,
  'content/elasticsearch/folder': f1,
  'content/kibana/folder': f2,
  'content/manifest': f3,
  'content/folder': f4,
  'input/_dev/folder': f5,
  'input/_dev/test/config': f6,
  'input/_dev/test/folder': f7,
  'input/manifest': f8,
  'input/folder': f9,
  'integration/_dev/benchmark/deploy/folder': f10,
  'integration/_dev/benchmark/rally.scenario': f11,
  'integration/_dev/benchmark/folder': f12,
  'integration/_dev/benchmark/system.scenario': f13,
  'integration/_dev/build/build': f14,
  'integration/_dev/build/docs/folder': f15,
  'integration/_dev/build/folder': f16,
  'integration/_dev/deploy/agent/custom-agent': f17,
  'integration/_dev/deploy/agent/folder': f18,
  'integration/_dev/deploy/docker/folder': f19,
  'integration/_dev/deploy/k8s/folder': f20,
  'integration/_dev/deploy/folder': f21,
  'integration/_dev/deploy/tf/env': f22,
  'integration/_dev/deploy/tf/files/folder': f23,
  'integration/_dev/deploy/tf/folder': f24,
  'integration/_dev/deploy/variants': f25,
  'integration/_dev/scripts/folder': f26,
  'integration/_dev/shared/folder': f27,
  'integration/_dev/folder': f28,
  'integration/_dev/test/config': f29,
  'integration/_dev/test/folder': f30,
  'integration/agent/folder': f31,
  'integration/changelog': f32,
  'integration/data_stream/_dev/benchmark/pipeline/config': f33,
  'integration/data_stream/_dev/benchmark/pipeline/event': f34,
  'integration/data_stream/_dev/benchmark/pipeline/folder': f35,
  'integration/data_stream/_dev/benchmark/folder': f36,
  'integration/data_stream/_dev/folder': f37,
  'integration/data_stream/_dev/test/config': f38,
  'integration/data_stream/_dev/test/pipeline/common_config': f39,
  'integration/data_stream/_dev/test/pipeline/config_json': f40,
  'integration/data_stream/_dev/test/pipeline/config_raw': f41,
  'integration/data_stream/_dev/test/pipeline/event': f42,
  'integration/data_stream/_dev/test/pipeline/expected': f43,
  'integration/data_stream/_dev/test/pipeline/folder': f44,
  'integration/data_stream/_dev/test/policy/config': f45,
  'integration/data_stream/_dev/test/policy/folder': f46,
  'integration/data_stream/_dev/test/scripts/folder': f47,
  'integration/data_stream/_dev/test/skip': f48,
  'integration/data_stream/_dev/test/folder': f49,
  'integration/data_stream/_dev/test/static/config': f50,
  'integration/data_stream/_dev/test/static/folder': f51,
  'integration/data_stream/_dev/test/system/config': f52,
  'integration/data_stream/_dev/test/system/folder': f53,
  'integration/data_stream/agent/folder': f54,
  'integration/data_stream/fields/fields': f55,
  'integration/data_stream/fields/folder': f56,
  'integration/data_stream/lifecycle': f57,
  'integration/data_stream/manifest': f58,
  'integration/data_stream/routing_rules': f59,
  'integration/data_stream/folder': f60,
  'integration/docs/folder': f61,
  'integration/elasticsearch/pipeline': f62,
  'integration/elasticsearch/folder': f63,
  'integration/elasticsearch/transform/manifest': f64,
  'integration/elasticsearch/transform/folder': f65,
  'integration/elasticsearch/transform/transform': f66,
  'integration/elasticsearch/view': f67,
  'integration/img/folder': f68,
  'integration/kibana/folder': f69,
  'integration/kibana/tags': f70,
  'integration/manifest': f71,
  'integration/folder': f72,
  'integration/validation': f73,
};
