import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHostHeader } from './auth.service';

describe('loopback checks', () => {
  it('recognise loopback socket addresses, IPv4-mapped included', () => {
    expect(['127.0.0.1', '127.0.1.1', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::'].map(isLoopbackAddress)).toEqual([false, false, false, false]);
  });

  it('recognise loopback Host headers with or without a port, and nothing that merely starts like one', () => {
    const hosts = ['localhost:4000', 'LOCALHOST', '127.0.0.1:4000', '[::1]:4000', '[::1]', 'localhost.attacker.example', '127.0.0.1.nip.io:4000', 'podium.internal:4000'];
    expect(hosts.map(isLoopbackHostHeader)).toEqual([true, true, true, true, true, false, false, false]);
  });
});
