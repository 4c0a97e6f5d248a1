#!/usr/bin/env python3
"""Summarise a dotnet-trace CPU profile (dotnet-sampled-thread-time, converted with
`dotnet-trace convert --format Speedscope`): share of CPU time spent under frames whose name
contains each of the given words, and the heaviest leaf frames. Usage:
    bench/trace-summary.py trace.speedscope.json [word ...]"""
import collections, json, sys

WAITS = ('Wait', 'epoll', 'Sleep', 'Semaphore', 'Receive', 'Accept', 'SystemNative_Read', 'Poll')

def main(path, words):
    data = json.load(open(path))
    frames = [f['name'] for f in data['shared']['frames']]
    busy = 0.0
    leaf = collections.Counter()
    under = collections.Counter()
    for profile in data['profiles']:
        stack, last = [], None
        for event in profile['events']:
            at = event['at']
            if last is not None and len(stack) > 1:
                names = [frames[i] for i in stack]
                top, parent = names[-1], names[-2]
                if top == 'CPU_TIME' or (top == 'UNMANAGED_CODE_TIME' and not any(w in parent for w in WAITS)):
                    if 'LowLevelSpinWaiter' not in parent:
                        dt = at - last
                        busy += dt
                        leaf[parent.split('!')[-1][:110]] += dt
                        joined = '\n'.join(names)
                        for word in words:
                            if word in joined:
                                under[word] += dt
            if event['type'] == 'O':
                stack.append(event['frame'])
            elif stack:
                stack.pop()
            last = at
    print(f'CPU time sampled: {busy / 1000:.1f} s (thread-pool spinning excluded)')
    for word in words:
        print(f'{100 * under[word] / busy:5.1f} %  under {word}')
    print('heaviest leaf frames:')
    for name, dt in leaf.most_common(15):
        print(f'{100 * dt / busy:5.1f} %  {name}')

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
