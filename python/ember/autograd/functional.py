"""ember.autograd.functional (placeholder for jacobian/hessian helpers)."""
