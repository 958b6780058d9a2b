import math


def pendulum(theta0, length, g=9.81):
    theta, omega = theta0, 0.0
    dt = 0.01
    t = 0.0
    while t < 1.0:
        alpha = -(g / length) * math.sin(theta)
        omega += alpha * dt
        theta += omega * dt
        t += dt
    return theta


def projectile_range(v0, angle, drag=0.1):
    x, y = 0.0, 0.0
    vx = v0 * math.cos(angle)
    vy = v0 * math.sin(angle)
    dt = 0.01
    while y >= 0.0:
        speed = math.sqrt(vx**2 + vy**2)
        vx += -drag * speed * vx * dt
        vy += (-9.81 - drag * speed * vy) * dt
        x += vx * dt
        y += vy * dt
    return x


def lotka_volterra(a, b, c, d, prey0, pred0, steps=100, dt=0.01):
    x, y = prey0, pred0
    xs, ys = [], []
    for _ in range(steps):
        x, y = x + dt * (a * x - b * x * y), y + dt * (d * x * y - c * y)
        xs.append(x)
        ys.append(y)
    return sum(xs) / len(xs) + sum(ys) / len(ys)


CASES = [
    dict(f=pendulum, args=(0.6, 1.2), wrt=("theta0", "length")),
    dict(f=projectile_range, args=(8.0, 0.7), wrt=("v0", "angle")),
    dict(f=lotka_volterra, args=(1.1, 0.4, 0.9, 0.2, 2.0, 1.0), wrt=("a", "b", "c", "d", "prey0", "pred0")),
]
