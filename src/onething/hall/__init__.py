"""延伸办 at the hall: halls, their windows and hours, extra sessions (延时办), slots and
appointments (预约办)."""
