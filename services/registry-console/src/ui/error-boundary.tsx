import { Component, type ErrorInfo, type ReactNode } from 'react';

/** A screen that throws while rendering shows what happened instead of a blank page; the other screens stay usable. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null; key: string }> {
  override state: { error: Error | null; key: string } = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: Error | null; key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('console screen failed', error, info.componentStack);
  }

  override render() {
    if (this.state.error) {
      return (
        <section role="alert">
          <h1>This screen failed</h1>
          <p>{this.state.error.message}</p>
        </section>
      );
    }
    return this.props.children;
  }
}
