import type { ComponentProps } from "react";
import { buttonClassName, type ButtonSize, type ButtonVariant } from "./button-styles";
import { Spinner } from "./spinner";

export type ButtonProps = ComponentProps<"button"> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Shows a spinner and blocks clicks; the label stays the same so the button keeps its accessible name. */
  isLoading?: boolean;
};

export function Button({ variant, size, isLoading = false, disabled, className, type = "button", children, ...rest }: ButtonProps) {
  return (
    <button
      // Default to "button": inside a form, a plain <button> would submit it by accident.
      type={type}
      disabled={disabled || isLoading}
      aria-busy={isLoading || undefined}
      className={buttonClassName({ variant, size, className })}
      {...rest}
    >
      {isLoading && <Spinner size="sm" />}
      {children}
    </button>
  );
}
