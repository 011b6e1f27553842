import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subnetConflicts } from '../../src/core/scaffold';
import { networkPlan, parseSubnet } from '../../src/core/scaffold/network';

describe('subnetConflicts', () => {
  it('finds the overlapping subnets, whichever is larger', () => {
    const existing = ['172.17.0.0/16', '172.40.0.128/25', '172.0.0.0/8', '10.0.0.0/24', 'fd00::/64', 'garbage'];
    assert.deepEqual(subnetConflicts('172.40.0.0/24', existing), ['172.40.0.128/25', '172.0.0.0/8']);
    assert.deepEqual(subnetConflicts('172.41.0.0/24', ['172.40.0.0/24', '172.42.0.0/16']), []);
  });

  it('conflicts with nothing when the subnet itself is unreadable', () => {
    assert.deepEqual(subnetConflicts('not a subnet', ['172.17.0.0/16']), []);
  });
});

describe('networkPlan', () => {
  it('puts the gateway at .1, the app at .2 and other containers in the upper half', () => {
    const subnet = parseSubnet('172.40.0.0/24');
    assert.ok(subnet);
    assert.deepEqual(networkPlan(subnet), { subnet: '172.40.0.0/24', gateway: '172.40.0.1', app: '172.40.0.2', dynamicRange: '172.40.0.128/25' });
  });

  it('aligns an address given inside the subnet and refuses subnets that are too small', () => {
    const subnet = parseSubnet('10.9.8.77/16');
    assert.ok(subnet);
    assert.deepEqual(networkPlan(subnet), { subnet: '10.9.0.0/16', gateway: '10.9.0.1', app: '10.9.0.2', dynamicRange: '10.9.128.0/17' });
    const tiny = parseSubnet('10.0.0.0/30');
    assert.ok(tiny);
    assert.equal(networkPlan(tiny), undefined);
    assert.equal(parseSubnet('300.1.1.1/24'), undefined);
  });
});
