/** package-spec `spec/integration/data_stream/_dev/test/system/config.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    properties: {
      deployer: { $ref: './../config#/definitions/deployer' },
      skip: { $ref: './../config#/definitions/skip' },
      wait_for_data_timeout: { type: 'string' },
      skip_ignored_fields: {
        type: 'array',
        items: { type: 'string' },
      },
      agent: {
        type: 'object',
        properties: {
          runtime: { type: 'string', enum: ['docker'], default: 'docker' },
          base_image: { type: 'string', enum: ['default', 'complete', 'systemd'], default: 'default' },
          user: { type: 'string', default: '' },
          pid_mode: { type: 'string', enum: ['host'] },
          ports: {
            type: 'array',
            items: { type: 'string' },
          },
          linux_capabilities: {
            type: 'array',
            items: {
              type: 'string',
              enum: [
                'AUDIT_CONTROL',
                'AUDIT_READ',
                'AUDIT_WRITE',
                'BLOCK_SUSPEND',
                'BPF',
                'CHECKPOINT_RESTORE',
                'CHOWN',
                'DAC_OVERRIDE',
                'DAC_READ_SEARCH',
                'FOWNER',
                'FSETID',
                'IPC_LOCK',
                'IPC_OWNER',
                'KILL',
                'LEASE',
                'LINUX_IMMUTABLE',
                'MAC_ADMIN',
                'MAC_OVERRIDE',
                'MKNOD',
                'NET_ADMIN',
                'NET_BIND_SERVICE',
                'NET_BROADCAST',
                'NET_RAW',
                'PERFORM',
                'SETFCAP',
                'SETGID',
                'SETPCAP',
                'SETUID',
                'SYS_ADMIN',
                'SYS_BOOT',
                'SYS_CHROOT',
                'SYS_MODULE',
                'SYS_NICE',
                'SYS_PACCT',
                'SYS_PTRACE',
                'SYS_RAWIO',
                'SYS_RESOURCE',
                'SYS_TIME',
                'SYS_TTY_CONFIG',
                'SYSLOG',
                'WAKE_ALARM',
              ],
            },
          },
          provisioning_script: {
            type: 'object',
            additionalProperties: false,
            properties: {
              language: { type: 'string', default: 'sh' },
              contents: { type: 'string', default: '' },
            },
            required: ['contents'],
          },
          pre_start_script: {
            type: 'object',
            additionalProperties: false,
            properties: {
              language: { type: 'string', enum: ['sh'], default: 'sh' },
              contents: { type: 'string', default: '' },
            },
            required: ['contents'],
          },
        },
      },
      vars: { $ref: './../config#/definitions/vars' },
      data_stream: {
        type: ['null', 'object'],
        properties: {
          vars: { $ref: './../config#/definitions/vars' },
        },
      },
      policy_api_format: { $ref: './../config#/definitions/policy_api_format' },
      requires: {
        type: 'array',
        items: { $ref: './../config#/definitions/package_requirement' },
      },
      samples: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            condition: {
              type: 'object',
              additionalProperties: false,
              properties: {
                key: { type: 'string' },
                value: { type: 'string' },
              },
              required: ['key'],
            },
          },
          required: ['name'],
        },
      },
    },
  },
};

export default file;
