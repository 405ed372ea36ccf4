import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// docker-compose.yml and the Dockerfile, checked offline (there is no Docker engine here): Debian's
// docker-compose validates the file and prints it resolved, and the test reads what production
// depends on — InfluxDB 1.x, one image for collector and API, health checks, restart policies,
// volumes for data and spool, secrets only passed through by name, a non-root user.

const run = promisify(execFile);

interface Service {
  image?: string;
  build?: { context: string };
  command?: string[];
  restart?: string;
  healthcheck?: { test: string[] };
  volumes?: string[];
  environment?: Record<string, string | null>;
  cap_add?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}

describe('the production deployment files', () => {
  it('docker-compose config -q accepts docker-compose.yml with a bare environment', async () => {
    await expect(run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } })).resolves.toBeDefined();
  });

  it('runs InfluxDB 1.x and one linkwatch image as the collector and the API, each checked and restarted', async () => {
    const { stdout } = await run('docker-compose', ['-f', 'docker-compose.yml', 'config'], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    const { services, volumes } = parse(stdout) as { services: Record<string, Service>; volumes: Record<string, unknown> };
    expect(Object.keys(services).sort()).toEqual(['api', 'collector', 'influxdb']);
    expect(services.influxdb!.image).toMatch(/^influxdb:1\./);
    expect(services.collector!.image).toBe(services.api!.image);
    expect(services.collector!.command).toEqual(['collector']);
    expect(services.api!.command).toEqual(['api']);
    for (const [name, service] of Object.entries(services)) {
      expect(service.restart, name).toBe('unless-stopped');
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(1);
    }
    for (const name of ['collector', 'api']) {
      expect(services[name]!.depends_on).toEqual({ influxdb: { condition: 'service_healthy' } });
      expect(services[name]!.volumes).toContain('linkwatch-data:/app/.data:rw');
      // Secrets come from the environment by name only: no value is written in the file.
      for (const secret of ['LINKWATCH_COMMUNITY', 'LINKWATCH_V3_AUTH_KEY', 'LINKWATCH_V3_PRIV_KEY', 'LINKWATCH_SMTP_PASSWORD']) expect(services[name]!.environment?.[secret], `${name} ${secret}`).toBeNull();
    }
    expect(services.collector!.cap_add).toEqual(['NET_RAW']);
    expect(services.api!.ports).toEqual(['127.0.0.1:8080:8080/tcp']);
    expect(Object.keys(volumes).sort()).toEqual(['influxdb-data', 'linkwatch-data']);
  });

  it('has systemd units that systemd-analyze accepts, with the same layout, as an unprivileged user', async () => {
    const units = ['deploy/systemd/linkwatch-collector.service', 'deploy/systemd/linkwatch-api.service'];
    // The code is not installed in /opt/linkwatch here: that is the one complaint allowed.
    const result = await run('systemd-analyze', ['verify', ...units]).then(
      (answer) => answer.stderr,
      (error: { stderr?: string }) => error.stderr ?? '',
    );
    const complaints = result.split('\n').filter((line) => line.trim() !== '' && !/linkwatch-built\.js is not executable/.test(line));
    expect(complaints).toEqual([]);
    for (const unit of units) {
      const text = await readFile(unit, 'utf8');
      expect(text).toMatch(/^User=linkwatch$/m);
      expect(text).toMatch(/^ExecStart=\/opt\/linkwatch\/bin\/linkwatch-built\.js (collector|api)$/m);
      expect(text).toMatch(/^EnvironmentFile=-\/etc\/linkwatch\/linkwatch\.env$/m);
      expect(text).toMatch(/^WorkingDirectory=\/var\/lib\/linkwatch$/m);
      expect(text).toMatch(/^Restart=always$/m);
    }
    expect(await readFile(units[0]!, 'utf8')).toMatch(/^AmbientCapabilities=CAP_NET_RAW$/m);
  });

  it('builds in two stages and runs the compiled build as the unprivileged node user, ping and fping with cap_net_raw', async () => {
    const dockerfile = await readFile('Dockerfile', 'utf8');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/setcap cap_net_raw\+ep \/usr\/bin\/ping/);
    expect(dockerfile).toMatch(/setcap cap_net_raw\+ep \/usr\/bin\/fping/);
    expect(dockerfile).toMatch(/ENTRYPOINT .*bin\/linkwatch-built\.js/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });
});
